import fc from 'fast-check';
import {
  maskAddress,
  maskDeep,
  maskPersonalData,
  maskRecipient,
  REDACTED,
} from '../../infra/logging/personal-data';
import { residentIdCheckCharacter, usccCheckCharacter } from '../../workflows/registry/identifiers';

const digits = (n: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));

/** Mainland mobile numbers: 1, then 3-9, then 9 digits. */
const mobile = fc
  .tuple(fc.integer({ min: 3, max: 9 }), digits(9))
  .map(([second, rest]) => `1${second}${rest}`);

/** Valid-shaped 居民身份证号码: region, a real birth date, sequence, the right check character. */
const residentId = fc
  .tuple(
    fc.integer({ min: 110000, max: 659999 }),
    fc.date({
      min: new Date('1900-01-01T00:00:00Z'),
      max: new Date('2025-12-31T00:00:00Z'),
      noInvalidDate: true,
    }),
    digits(3),
  )
  .map(([region, birth, sequence]) => {
    const first17 = `${region}${birth.toISOString().slice(0, 10).replace(/-/g, '')}${sequence}`;
    return first17 + residentIdCheckCharacter(first17);
  });

/** Text around the number: Chinese, ASCII words and punctuation, but no letters or digits touching it. */
const filler = fc.constantFrom('', ' ', '申请人电话：', '联系人 ', '（', '）', '，', '\n', 'tel: ', '"', '=');
const sentence = (core: fc.Arbitrary<string>) =>
  fc
    .tuple(filler, core, filler)
    .map(([before, value, after]) => ({ value, text: `${before}${value}${after}` }));

describe('personal-data masking of log lines', () => {
  it('never lets an 11-digit mobile number through, whatever surrounds it', () => {
    fc.assert(
      fc.property(sentence(mobile), ({ value, text }) => {
        const masked = maskPersonalData(text);
        expect(masked).not.toContain(value);
        expect(masked).toContain(`${value.slice(0, 3)}****${value.slice(-4)}`);
      }),
      { numRuns: 500 },
    );
  });

  it('masks mobile numbers written with +86 and separators', () => {
    fc.assert(
      fc.property(mobile, fc.constantFrom(' ', '-'), fc.boolean(), (m, sep, withCountry) => {
        const written = `${withCountry ? '+86 ' : ''}${m.slice(0, 3)}${sep}${m.slice(3, 7)}${sep}${m.slice(7)}`;
        const masked = maskPersonalData(`电话 ${written}。`);
        // The only digits left are the first three and the last four (the +86 goes with the number):
        // the middle four are gone. A substring check would be fooled by digits meeting across the mask.
        expect(masked.replace(/\D/g, '')).toBe(`${m.slice(0, 3)}${m.slice(-4)}`);
        expect(masked).toContain(`${m.slice(0, 3)}****${m.slice(-4)}`);
      }),
      { numRuns: 200 },
    );
  });

  it('never lets a valid-shaped ID number through, lower-case x included', () => {
    fc.assert(
      fc.property(sentence(residentId), fc.boolean(), ({ value, text }, lower) => {
        const written = lower ? text.replace(value, value.toLowerCase()) : text;
        const masked = maskPersonalData(written);
        expect(masked.toUpperCase()).not.toContain(value);
        expect(masked).toContain(`${value.slice(0, 3)}***********${value.slice(-4)}`);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps 统一社会信用代码 of organisations readable', () => {
    const uscc = fc
      .tuple(
        fc.constantFrom('91', '92', '52', '12', '93'),
        digits(6),
        fc.stringMatching(/^[0-9A-HJ-NPQRTUWXY]{9}$/),
      )
      .map(([head, region, org]) => {
        const first17 = `${head}${region}${org}`;
        return first17 + usccCheckCharacter(first17);
      })
      .filter((code) => !/^\d{17}[\dX]$/.test(code) || !isValidResidentIdShape(code));
    fc.assert(
      fc.property(uscc, (code) => {
        expect(maskPersonalData(`主体 ${code} 已登记`)).toBe(`主体 ${code} 已登记`);
      }),
      { numRuns: 300 },
    );
    expect(maskPersonalData('52410422MJ0000011T')).toBe('52410422MJ0000011T');
  });

  it('masks a postal address after its administrative prefix', () => {
    expect(maskPersonalData('书面答复寄往河南省平顶山市叶县昆阳街道建设路12号3单元402室，请查收')).toBe(
      '书面答复寄往河南省平顶山市叶县***，请查收',
    );
    expect(maskAddress('北京市朝阳区建国路88号')).toBe('北京市朝阳区***');
    expect(maskPersonalData('住址：幸福小区5栋')).toBe('住址：***');
  });

  it('masks recipients: applicants’ contacts, not staff', () => {
    expect(maskRecipient('13912345678')).toBe('139****5678');
    expect(maskRecipient('zhang.san@example.com')).toBe('z***@example.com');
    expect(maskRecipient('河南省叶县建设路')).toBe('河南省叶县***');
    expect(maskRecipient('supervisor@叶县民政局')).toBe('supervisor@叶县民政局');
    expect(maskRecipient('cw@叶县民政局')).toBe('cw@叶县民政局');
  });

  it('masks strings deep in plain objects and replaces personal fields whole', () => {
    const err = new Error('申请人 13912345678 不存在');
    const out = maskDeep({
      msg: '身份证 11010519491231002X',
      contact: '任何内容',
      nested: [{ phone: 'x' }],
      err,
    }) as {
      msg: string;
      contact: string;
      nested: { phone: string }[];
      err: Error;
    };
    expect(out.msg).toBe('身份证 110***********002X');
    expect(out.contact).toBe(REDACTED);
    expect(out.nested[0].phone).toBe(REDACTED);
    expect(out.err).toBeInstanceOf(Error);
    expect(out.err.message).toBe('申请人 139****5678 不存在');
    expect(out.err.stack).not.toContain('13912345678');
  });

  it('leaves lines without personal data unchanged', () => {
    const line =
      '[通知] internal → supervisor@叶县民政局：异议核查即将到期（案件 YX-2026-000001，2026年10月9日）';
    expect(maskPersonalData(line)).toBe(line);
    const uuid = '0f8fad5b-d9cb-469f-a165-70867728950e';
    expect(maskPersonalData(`request ${uuid}`)).toBe(`request ${uuid}`);
  });
});

function isValidResidentIdShape(code: string): boolean {
  return residentIdCheckCharacter(code.slice(0, 17)) === code[17];
}
