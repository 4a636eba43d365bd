import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { configDir } from '../../src/client/config-dir.ts';

describe('configDir', () => {
  test('VALISE_CONFIG_DIR wins', () => {
    assert.equal(configDir({ VALISE_CONFIG_DIR: '/v', XDG_CONFIG_HOME: '/x' }, '/home/a'), '/v');
  });
  test('then $XDG_CONFIG_HOME/valise', () => {
    assert.equal(configDir({ XDG_CONFIG_HOME: '/x' }, '/home/a'), '/x/valise');
  });
  test('a relative XDG_CONFIG_HOME is ignored, as the XDG spec says', () => {
    assert.equal(configDir({ XDG_CONFIG_HOME: 'rel' }, '/home/a'), '/home/a/.config/valise');
  });
  test('else ~/.config/valise', () => {
    assert.equal(configDir({}, '/home/a'), '/home/a/.config/valise');
  });
});
