import { JURISDICTIONS } from '../../workflows/policies';
import {
  departmentByCode,
  departmentByName,
  DIRECTORY,
  DIRECTORY_CODE,
  jurisdictionByCode,
  JURISDICTIONS_WITHOUT_PRESET,
} from '../../workflows/reference/directory';

describe('department directory', () => {
  it('lists exactly the policy jurisdictions and those whose policy an administrator adds', () => {
    expect(DIRECTORY.map((j) => j.code).sort()).toEqual(
      [...JURISDICTIONS, ...JURISDICTIONS_WITHOUT_PRESET].sort(),
    );
    expect(JURISDICTIONS_WITHOUT_PRESET.filter((code) => JURISDICTIONS.includes(code))).toEqual([]);
  });

  it('gives every jurisdiction a Chinese name and at least one department', () => {
    for (const jurisdiction of DIRECTORY) {
      expect(jurisdiction.code).toMatch(DIRECTORY_CODE);
      expect(jurisdiction.name).toMatch(/\p{Script=Han}/u);
      expect(jurisdiction.departments.length).toBeGreaterThan(0);
    }
  });

  it('has well-formed department codes, unique within each jurisdiction', () => {
    for (const jurisdiction of DIRECTORY) {
      const codes = jurisdiction.departments.map((d) => d.code);
      for (const code of codes) expect(code).toMatch(DIRECTORY_CODE);
      expect(new Set(codes).size).toBe(codes.length);
    }
  });

  it('has department names unique across the whole directory', () => {
    const names = DIRECTORY.flatMap((j) => j.departments.map((d) => d.name));
    const repeated = names.filter((name, i) => names.indexOf(name) !== i);
    expect(repeated).toEqual([]);
    for (const name of names) expect(name).toMatch(/^\p{Script=Han}{2,}$/u);
  });

  it('contains the departments the tests and the seeded cases name', () => {
    const used = [
      '宁晋县社会信用体系建设领导小组办公室',
      '宁晋县市场监督管理局',
      '宁晋县人力资源和社会保障局',
      '叶县民政局',
      '叶县民政局行政审批股',
      '叶县民政局社会组织管理股',
      '叶县民政局社会组织股',
      '叶县民政局养老服务股',
      '叶县市场监督管理局',
      '叶县税务局',
      '叶县财政局',
      '叶县财政局政府采购股',
      '叶县住房和城乡建设局',
      '新郑市民政局',
      '新郑市民政局行政审批科',
      '新郑市民政局办公室',
      '新郑市市场监督管理局',
      '永昌县市场监督管理局',
      '永昌县税务局',
      '永昌县发展和改革局',
      '上海市浦东新区市场监督管理局',
      '上海市浦东新区发展和改革委员会',
      '郏县水利局',
      '鲁山县民政局综合股',
      '某县发展和改革局',
      '某县税务局',
      '某县应急管理局',
    ];
    expect(used.filter((name) => !departmentByName(name))).toEqual([]);
  });

  it('looks departments up by jurisdiction and code, and never across jurisdictions', () => {
    expect(jurisdictionByCode('ningjin')?.name).toBe('宁晋县');
    expect(jurisdictionByCode('atlantis')).toBeUndefined();
    expect(departmentByCode('ningjin', 'scjgj')?.name).toBe('宁晋县市场监督管理局');
    expect(departmentByCode('shanghai', 'scjgj')).toBeUndefined();
    expect(departmentByCode('atlantis', 'scjgj')).toBeUndefined();
    expect(departmentByName('宁晋县市场监督管理局')).toEqual({
      jurisdiction: expect.objectContaining({ code: 'ningjin' }),
      department: { code: 'scjgj', name: '宁晋县市场监督管理局' },
    });
    expect(departmentByName('市场监督管理局')).toBeUndefined();
  });
});
