import {
  checkResidentId,
  checkUscc,
  maskResidentId,
  residentIdCheckCharacter,
  usccCheckCharacter,
} from '../../workflows/registry/identifiers';

const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** Builds a valid 统一社会信用代码 from its first 17 characters. */
const uscc = (first17: string) => first17 + usccCheckCharacter(first17);
/** Builds a valid 居民身份证号码 from its first 17 digits. */
const residentId = (first17: string) => first17 + residentIdCheckCharacter(first17);

/** Every code that differs from `code` in exactly one position, using characters of `alphabet`. */
function singleCharacterCorruptions(code: string, alphabet: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < code.length; i++) {
    for (const c of alphabet) if (c !== code[i]) out.push(code.slice(0, i) + c + code.slice(i + 1));
  }
  return out;
}

describe('统一社会信用代码 (GB 32100-2015)', () => {
  it('accepts a code published with its check character', () => {
    // Examples that appear in public documentation of the standard and its validators.
    expect(checkUscc('91350100M000100Y43')).toEqual({
      valid: true,
      type: 'uscc',
      normalized: '91350100M000100Y43',
    });
  });

  it('computes the check character with weights 1,3,9,…,28 modulo 31', () => {
    // The published example's first 17 characters give its printed check character.
    expect(usccCheckCharacter('91350100M000100Y4')).toBe('3');
    // A remainder of 0 gives check value 0 (31 - 0 wraps to 0), never an out-of-range index.
    expect(usccCheckCharacter('00000000000000000')).toBe('0');
  });

  it('accepts codes whose registration authority is a letter (Y1, N1, A1)', () => {
    for (const prefix of ['Y1', 'N1', 'A1', '51', '52', '12']) {
      const code = uscc(`${prefix}410422MJ1234567`.slice(0, 17));
      expect(checkUscc(code)).toMatchObject({ valid: true });
    }
  });

  it('normalises lower case, spaces and hyphens', () => {
    expect(checkUscc(' 91350100-m000100y43 ')).toMatchObject({
      valid: true,
      normalized: '91350100M000100Y43',
    });
  });

  it('rejects every single-character corruption of a valid code', () => {
    const code = uscc('52410422MJ1234567'.slice(0, 17));
    expect(checkUscc(code).valid).toBe(true);
    const corrupted = singleCharacterCorruptions(code, USCC_ALPHABET);
    expect(corrupted.length).toBeGreaterThan(400);
    for (const bad of corrupted) expect(checkUscc(bad).valid).toBe(false);
  });

  it('names the problem: length, characters outside the alphabet, checksum', () => {
    expect(checkUscc('91350100M000100Y4')).toMatchObject({ valid: false, problem: 'length' });
    expect(checkUscc('91350100I000100Y43')).toMatchObject({ valid: false, problem: 'characters' }); // I
    expect(checkUscc('91350100O000100Y43')).toMatchObject({ valid: false, problem: 'characters' }); // O
    expect(checkUscc('9135A100M000100Y43')).toMatchObject({ valid: false, problem: 'characters' }); // division not digits
    expect(checkUscc('91350100M000100Y44')).toMatchObject({ valid: false, problem: 'checksum' });
  });
});

describe('居民身份证号码 (GB 11643-1999, ISO 7064 MOD 11-2)', () => {
  it('accepts the standard example and computes X as check character', () => {
    // The example number of GB 11643-1999 itself.
    expect(checkResidentId('11010519491231002X')).toEqual({
      valid: true,
      type: 'resident-id',
      normalized: '11010519491231002X',
    });
    expect(residentIdCheckCharacter('11010519491231002')).toBe('X');
    expect(checkResidentId('11010519491231002x')).toMatchObject({
      valid: true,
      normalized: '11010519491231002X',
    });
  });

  it('rejects every single-digit corruption of a valid number', () => {
    const code = residentId('41042219851106003');
    expect(checkResidentId(code).valid).toBe(true);
    for (const bad of singleCharacterCorruptions(code, '0123456789X'))
      expect(checkResidentId(bad).valid).toBe(false);
  });

  it('rejects impossible birth dates even with a matching check digit', () => {
    expect(checkResidentId(residentId('41042219850230003'))).toMatchObject({
      valid: false,
      problem: 'birth-date',
    });
    expect(checkResidentId(residentId('41042219851301003'))).toMatchObject({
      valid: false,
      problem: 'birth-date',
    });
    expect(checkResidentId(residentId('41042220000229003'))).toMatchObject({ valid: true }); // leap year
    expect(checkResidentId(residentId('41042219000229003'))).toMatchObject({
      valid: false,
      problem: 'birth-date',
    });
  });

  it('rejects wrong length and letters other than a final X', () => {
    expect(checkResidentId('4104221985110600')).toMatchObject({ valid: false, problem: 'length' });
    expect(checkResidentId('41042219851106X031')).toMatchObject({ valid: false, problem: 'characters' });
  });

  it('masks birth date and sequence: 110105********1234', () => {
    expect(maskResidentId('11010519491231002X')).toBe('110105********002X');
  });
});
