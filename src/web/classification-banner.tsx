/** The classification line at the top and bottom of a cable, with its markings (EUCI practice). */
import { bannerText } from '../client/present-cable.ts';

export function ClassificationBanner(props: {
  readonly classification: string;
  readonly markings: readonly string[];
}) {
  const level = props.classification.toLowerCase().replace(/\s+/g, '-');
  return (
    <div className={`banner banner-${level}`} role="note" data-testid="classification-banner">
      {bannerText(props.classification, props.markings)}
    </div>
  );
}
