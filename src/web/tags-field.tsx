/**
 * Compose's tags: one line, separated by commas, read by core's rule for tags
 * (draft-fields.ts). The hint says the rule, so a refusal at sending is no surprise.
 */
import { MAX_TAG_LENGTH, MAX_TAGS } from '../core/cable/cable-content.ts';

export function TagsField(props: { readonly value: string; readonly onChange: (tags: string) => void }) {
  return (
    <label>
      Tags
      <input
        value={props.value}
        placeholder="e.g. Ukraine, sanctions"
        aria-describedby="tags-hint"
        onChange={(e) => props.onChange(e.target.value)}
        data-testid="tags"
      />
      <span className="muted" id="tags-hint">
        Separated by commas; at most {MAX_TAGS}, each up to {MAX_TAG_LENGTH} characters. Shown with the
        subject in the recipients' inboxes.
      </span>
    </label>
  );
}
