import { describe, expect, it } from 'vitest';
import { DEFAULT_FAILURE_VALUES as fromVocabulary } from '../../src/ratings/labels.ts';
import { DEFAULT_FAILURE_VALUES as forHelp } from '../../src/studies/defaults.ts';

describe('the import-free defaults shown in the help', () => {
  it('list the same failure values as the status vocabulary gives', () => {
    expect(forHelp).toEqual(fromVocabulary);
  });
});
