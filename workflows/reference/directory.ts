/**
 * The department directory (部门目录): every jurisdiction a token may name, with its departments.
 *
 * Reference data in code, like the policy presets beside it: it lives under workflows/ because it
 * is pure (no I/O, nothing of Node) and so may be imported by workflows, activities and apps alike
 * under the import rules. A bearer token names its department by `code` within its jurisdiction;
 * the API resolves it here to the canonical `name`, which is what case and record rows store.
 *
 * Invariants (checked by test/unit/department-directory.test.ts):
 * - jurisdiction codes are the policy jurisdictions (`JURISDICTIONS` of the presets) plus those
 *   listed in `JURISDICTIONS_WITHOUT_PRESET`, whose policy an administrator adds at run time;
 * - a department code is unique within its jurisdiction; a department NAME is unique across the
 *   whole directory, so matching a resolved name can never cross a jurisdiction.
 *
 * Adding a department or a jurisdiction is a change to this file (reviewed like any reference data).
 */
export interface Department {
  /** Short stable code within the jurisdiction (lower-case letters, digits, hyphens), e.g. `scjgj`. */
  code: string;
  /** Full Chinese name, as case and record rows store it. */
  name: string;
}

export interface Jurisdiction {
  /** The code policies and tokens use (e.g. `ningjin`). */
  code: string;
  /** Chinese name. */
  name: string;
  departments: readonly Department[];
}

/** Codes: 2–32 characters, lower-case letters, digits and hyphens, starting with a letter. */
export const DIRECTORY_CODE = /^[a-z][a-z0-9-]{1,31}$/;

/** Jurisdictions in the directory that have no preset policy (an administrator adds it). */
export const JURISDICTIONS_WITHOUT_PRESET = ['lushan-mz'] as const;

export const DIRECTORY: readonly Jurisdiction[] = [
  {
    code: 'national',
    name: '全国（适用国家默认政策的地方）',
    // A county that applies the national defaults (the workflow tests' 某县 examples).
    departments: [
      { code: 'fgj', name: '某县发展和改革局' },
      { code: 'swj', name: '某县税务局' },
      { code: 'yjglj', name: '某县应急管理局' },
    ],
  },
  {
    code: 'yexian-mz',
    name: '叶县民政局',
    departments: [
      { code: 'mzj', name: '叶县民政局' },
      { code: 'mzj-xzspg', name: '叶县民政局行政审批股' },
      { code: 'mzj-shzzglg', name: '叶县民政局社会组织管理股' },
      { code: 'mzj-shzzg', name: '叶县民政局社会组织股' },
      { code: 'mzj-ylfwg', name: '叶县民政局养老服务股' },
      { code: 'scjgj', name: '叶县市场监督管理局' },
      { code: 'swj', name: '叶县税务局' },
      { code: 'czj', name: '叶县财政局' },
      { code: 'czj-zfcgg', name: '叶县财政局政府采购股' },
      { code: 'zjj', name: '叶县住房和城乡建设局' },
    ],
  },
  {
    code: 'jiaxian-sl',
    name: '郏县水利局',
    departments: [
      { code: 'slj', name: '郏县水利局' },
      { code: 'xyb', name: '郏县社会信用体系建设领导小组办公室' },
    ],
  },
  {
    code: 'ningjin',
    name: '宁晋县',
    departments: [
      { code: 'xyb', name: '宁晋县社会信用体系建设领导小组办公室' },
      { code: 'scjgj', name: '宁晋县市场监督管理局' },
      { code: 'rsj', name: '宁晋县人力资源和社会保障局' },
    ],
  },
  {
    code: 'xinzheng-mz',
    name: '新郑市民政局',
    departments: [
      { code: 'mzj', name: '新郑市民政局' },
      { code: 'mzj-xzspk', name: '新郑市民政局行政审批科' },
      { code: 'mzj-bgs', name: '新郑市民政局办公室' },
      { code: 'scjgj', name: '新郑市市场监督管理局' },
    ],
  },
  {
    code: 'yongchang',
    name: '永昌县',
    departments: [
      { code: 'fgj', name: '永昌县发展和改革局' },
      { code: 'scjgj', name: '永昌县市场监督管理局' },
      { code: 'swj', name: '永昌县税务局' },
    ],
  },
  {
    code: 'shanghai',
    name: '上海市',
    departments: [
      { code: 'pd-fgw', name: '上海市浦东新区发展和改革委员会' },
      { code: 'pd-scjgj', name: '上海市浦东新区市场监督管理局' },
    ],
  },
  {
    code: 'lushan-mz',
    name: '鲁山县民政局',
    departments: [
      { code: 'mzj', name: '鲁山县民政局' },
      { code: 'mzj-zhg', name: '鲁山县民政局综合股' },
    ],
  },
];

/** The jurisdiction of this code, or undefined. */
export function jurisdictionByCode(code: string): Jurisdiction | undefined {
  return DIRECTORY.find((j) => j.code === code);
}

/** The department of this code in this jurisdiction, or undefined (unknown jurisdiction or code). */
export function departmentByCode(jurisdiction: string, code: string): Department | undefined {
  return jurisdictionByCode(jurisdiction)?.departments.find((d) => d.code === code);
}

/** The department of this full name, with its jurisdiction (names are unique across the directory). */
export function departmentByName(
  name: string,
): { jurisdiction: Jurisdiction; department: Department } | undefined {
  for (const jurisdiction of DIRECTORY) {
    const department = jurisdiction.departments.find((d) => d.name === name);
    if (department) return { jurisdiction, department };
  }
  return undefined;
}
