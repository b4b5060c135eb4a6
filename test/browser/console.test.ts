import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import * as path from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import request from 'supertest';
import { startTestApi } from '../support/api';
import { actors, eventually, startObjectionStack, type ObjectionStack } from '../api/objections-support';

/**
 * The browser console (apps/api/console) driven by headless Chromium (Debian's `chromium`): a
 * caseworker files and forwards an objection, the provider verifies it, the caseworker issues the
 * written reply, and the supervisor sees the case on the board and the office's on-time figure
 * change. axe-core checks every page; screenshots go to test-output/console/. The dev sign-in's
 * limits (embedded key pair, loopback interface) are checked over HTTP.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const OUTPUT = path.resolve(__dirname, '../../test-output/console');
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const JURISDICTION = 'yexian-mz';
const OFFICE = { code: 'mzj', name: '叶县民政局' };
const PROVIDER = { code: 'mzj-shzzglg', name: '叶县民政局社会组织管理股' };

jest.setTimeout(300_000);

/** The page's globals as the callbacks run by page.evaluate see them (tsconfig has no DOM lib). */
interface PageElement {
  textContent: string | null;
  getAttribute(name: string): string | null;
}
declare const document: { querySelector(selector: string): PageElement | null };
declare const location: { hash: string };

/** This machine's first address outside the loopback interface (to reach the API from "elsewhere"). */
function externalAddress(): string {
  const address = Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
  if (!address) {
    throw new Error(
      'no IPv4 address outside the loopback interface on this machine: the dev sign-in’s refusal of ' +
        'requests from other machines cannot be checked',
    );
  }
  return address;
}

describe('the browser console', () => {
  let stack: ObjectionStack;
  let browser: Browser;
  let base: string;
  let port: number;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium not found at ${CHROMIUM}: the console's browser tests need Debian's chromium package ` +
          '(apt-get install -y chromium fonts-noto-cjk, as .ci/run does), or CHROMIUM_PATH naming a Chromium.',
      );
    }
    mkdirSync(OUTPUT, { recursive: true });
    stack = await startObjectionStack();
    // Every interface: the loopback one for the browser, the external one for the refusal checks.
    await stack.api.app.listen(0, '0.0.0.0');
    port = (stack.api.app.getHttpServer().address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-dev-shm-usage', '--lang=zh-CN'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  /** Script errors of the console's pages (none expected). */
  const pageErrors: string[] = [];

  /** A tab of its own (its own sessionStorage), as one user at one desk. */
  async function newTab(): Promise<Page> {
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${String(error)}`));
    return page;
  }

  /** axe-core on the page as it stands: no serious or critical violation. */
  async function accessible(page: Page, name: string) {
    expect(pageErrors).toEqual([]);
    await page.screenshot({ path: path.join(OUTPUT, `${name}.png`), fullPage: true });
    await page.evaluate(AXE_SOURCE);
    const violations = await page.evaluate(async () => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const result = await (globalThis as any).axe.run(document);
      return (result.violations as { id: string; impact: string; nodes: { target: string[] }[] }[]).map(
        (v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(' ')) }),
      );
    });
    expect({
      page: name,
      violations: violations.filter((v) => ['serious', 'critical'].includes(v.impact)),
    }).toEqual({
      page: name,
      violations: [],
    });
  }

  /** Waits until <main> has rendered its page (not the loading heading). */
  const rendered = (page: Page) =>
    page.waitForFunction(
      () =>
        document.querySelector('main')?.getAttribute('aria-busy') !== 'true' &&
        !!document.querySelector('main h1'),
    );

  /** Signs in through the dev sign-in page; answers once the console shows the role's first page. */
  async function signIn(page: Page, role: string, department?: string): Promise<void> {
    await page.goto(`${base}/dev-sign-in`);
    expect(await page.$eval('.notice', (e) => e.textContent)).toContain('仅供试用本服务');
    await page.waitForSelector(`#jurisdiction option[value="${JURISDICTION}"]`);
    await page.select('#role', role);
    await page.select('#jurisdiction', JURISDICTION);
    if (department) {
      await page.waitForSelector(`#department option[value="${department}"]`);
      await page.select('#department', department);
    }
    await accessible(page, `dev-sign-in-${role}`);
    await page.click('#dev-sign-in button[type=submit]');
    await page.waitForFunction(() => /^#\/(dashboard|cases|verifications)/.test(location.hash));
    await rendered(page);
  }

  /** Reloads the page until `probe` holds (the board follows the workflows asynchronously). */
  async function untilShown(page: Page, probe: () => Promise<boolean>, what: string) {
    for (let attempt = 0; attempt < 120; attempt++) {
      if (await probe()) return;
      await new Promise((r) => setTimeout(r, 250));
      await page.reload();
      await rendered(page);
    }
    throw new Error(`the console never showed ${what}`);
  }

  /** The on-time table's row of a department: [closed, closed on time, rate] (zeros if absent). */
  const onTimeRow = (page: Page, department: string) =>
    page.$$eval(
      '#on-time-table tbody tr',
      (rows, name) => {
        const row = rows
          .map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent ?? ''))
          .find((c) => c[0] === name);
        return row
          ? { closed: Number(row[1]), onTime: Number(row[2]), rate: row[3] }
          : { closed: 0, onTime: 0, rate: '—' };
      },
      department,
    );

  const statusOf = (page: Page) => page.$eval('#case-status', (e) => e.textContent ?? '');

  it('a caseworker files and forwards an objection, the provider verifies it, and the supervisor sees it on the board with the on-time figure changed', async () => {
    const a = actors(stack);
    const record = await a.record();

    // The supervisor's board before: the office's closed and on-time figures this year.
    const supervisor = await newTab();
    await signIn(supervisor, 'supervisor');
    expect(supervisor.url()).toContain('#/dashboard');
    await accessible(supervisor, 'dashboard-before');
    const before = await onTimeRow(supervisor, OFFICE.name);

    // The caseworker registers the objection from the console.
    const caseworker = await newTab();
    await signIn(caseworker, 'caseworker', OFFICE.code);
    expect(caseworker.url()).toContain('#/cases');
    await accessible(caseworker, 'cases-caseworker');
    await caseworker.goto(`${base}/#/objections/new`);
    await rendered(caseworker);
    await caseworker.type('input[name=recordId]', record.recordId);
    await caseworker.type('input[name=subjectCode]', record.subjectCode);
    await caseworker.type('input[name=name]', '张三');
    await caseworker.type('input[name=contact]', '13800000000');
    await caseworker.select('select[name=channel]', 'window');
    await caseworker.click('#ground-facts-wrong');
    await caseworker.type('textarea[name=groundsText]', '已于规定期限内报送年度工作报告，有回执为证');
    await caseworker.type('textarea[name=attachments]', 'DOC-1 报送回执');
    await accessible(caseworker, 'objection-new');
    await caseworker.click('#new-objection button[type=submit]');
    await caseworker.waitForSelector('#query-code');
    const caseLink = await caseworker.$eval('a[href^="#/case/objection/"]', (e) => e.getAttribute('href')!);
    const caseId = caseLink.split('/').pop()!;
    await caseworker.click(`a[href="${caseLink}"]`);
    await caseworker.waitForSelector('#action-forward');
    await rendered(caseworker);
    expect(await statusOf(caseworker)).toBe('已受理');
    await a.registered(caseId);

    // The case page's index entry is scoped as the board is: another office does not see it.
    const entry = `/api/console/cases/objection/${caseId}`;
    await stack.http().get(entry).set(a.caseworker('叶县市场监督管理局')).expect(404);
    const own = await eventually(
      () => stack.http().get(entry).set(a.caseworker()),
      // The step's plan reaches the index once its clock has published it.
      (r) => r.status === 200 && r.body.stepDueAt !== null,
    );
    expect(own.body).toMatchObject({ caseId, status: 'received', workingDaysLeft: expect.any(Number) });

    // A refused action shows the server's own Chinese message.
    const refusedBody = { workingDays: 99, reason: '需调取原始执法档案' };
    const refusal = await stack
      .http()
      .post(`/api/objections/${caseId}/extend`)
      .set(a.caseworker())
      .set('Idempotency-Key', `direct-${caseId}`)
      .send(refusedBody);
    expect(refusal.status).toBeGreaterThanOrEqual(400);
    expect(refusal.body.message).toMatch(/[\u4e00-\u9fff]/);
    await caseworker.type('#action-extend input[name=workingDays]', String(refusedBody.workingDays));
    await caseworker.type('#action-extend textarea[name=reason]', refusedBody.reason);
    await caseworker.click('#action-extend button[type=submit]');
    await caseworker.waitForSelector('#action-extend [role=alert]');
    expect(await caseworker.$eval('#action-extend [role=alert]', (e) => e.textContent)).toBe(
      refusal.body.message,
    );
    expect(await statusOf(caseworker)).toBe('已受理');

    await caseworker.type('#action-forward textarea[name=note]', '请核实');
    await caseworker.click('#action-forward button[type=submit]');
    await caseworker.waitForFunction(() => document.querySelector('#case-status')?.textContent === '核查中');
    await rendered(caseworker);
    await accessible(caseworker, 'case-forwarded');

    // The supervisor finds it on the board's case list while it is with the provider.
    const caseNo = await caseworker.$eval('main h1', (e) => e.textContent!.split(' ').pop()!);
    await supervisor.goto(`${base}/#/cases?procedure=objection&status=forwarded`);
    await rendered(supervisor);
    await untilShown(
      supervisor,
      async () => (await supervisor.$(`a[href="${caseLink}"]`)) !== null,
      `case ${caseNo}`,
    );
    expect(await supervisor.$eval(`a[href="${caseLink}"]`, (e) => e.textContent)).toBe(caseNo);
    await accessible(supervisor, 'cases-supervisor');

    // The provider verifies from its work list.
    const provider = await newTab();
    await signIn(provider, 'provider', PROVIDER.code);
    expect(provider.url()).toContain('#/verifications');
    await untilShown(
      provider,
      async () => (await provider.$(`a[href="${caseLink}"]`)) !== null,
      'the case to verify',
    );
    await accessible(provider, 'verifications');
    await provider.click(`a[href="${caseLink}"]`);
    await provider.waitForSelector('#action-verification');
    await rendered(provider);
    await accessible(provider, 'case-provider');
    await provider.select('#action-verification select[name=outcome]', 'upheld');
    await provider.type('#action-verification textarea[name=opinion]', '经核实，原记录无误');
    await provider.click('#action-verification button[type=submit]');
    await provider.waitForSelector('#provider-reply');
    expect(await provider.$eval('#provider-reply', (e) => e.textContent)).toContain('经核实，原记录无误');

    // The caseworker issues the written reply once the result is applied to the record.
    await a.readyForReply(caseId);
    await caseworker.reload();
    await caseworker.waitForSelector('#action-reply');
    await caseworker.click('#action-reply button[type=submit]');
    await caseworker.waitForFunction(() => document.querySelector('#case-status')?.textContent === '已办结');
    await caseworker.waitForSelector('#reply-letter');
    await rendered(caseworker);
    await accessible(caseworker, 'case-closed');

    // The supervisor's board: the office closed one more case, on time.
    await supervisor.goto(`${base}/#/dashboard`);
    await rendered(supervisor);
    await untilShown(
      supervisor,
      async () => (await onTimeRow(supervisor, OFFICE.name)).closed === before.closed + 1,
      `one more case closed by ${OFFICE.name}`,
    );
    const after = await onTimeRow(supervisor, OFFICE.name);
    expect(after).toEqual({
      closed: before.closed + 1,
      onTime: before.onTime + 1,
      rate: `${(((before.onTime + 1) / (before.closed + 1)) * 100).toFixed(1)}%`,
    });
    await accessible(supervisor, 'dashboard-after');

    // The supervisor's case page: deadlines, escalations, documents, timeline; no actions.
    await supervisor.goto(`${base}/${caseLink}`);
    await rendered(supervisor);
    expect(await statusOf(supervisor)).toBe('已办结');
    expect(await supervisor.$('#h-actions')).toBeNull();
    for (const heading of ['期限', '提醒与督办', '材料与文书', '办理过程']) {
      expect(await supervisor.$$eval('main h2', (hs) => hs.map((h) => h.textContent))).toContain(heading);
    }
    await accessible(supervisor, 'case-supervisor');
  });

  it('a caseworker asks for materials (补正), records them, extends the step and withdraws the objection from its page', async () => {
    const a = actors(stack);
    const { id } = await a.createCase();
    await a.registered(id);
    const page = await newTab();
    await signIn(page, 'caseworker', OFFICE.code);
    await page.goto(`${base}/#/case/objection/${id}`);
    await page.waitForSelector('#action-materials-request');
    await rendered(page);
    const status = (text: string) =>
      page.waitForFunction((t) => document.querySelector('#case-status')?.textContent === t, {}, text);

    await page.type('#action-materials-request textarea[name=items]', '营业执照复印件\n法定代表人身份证明');
    await page.click('#action-materials-request button[type=submit]');
    await status('待补正');
    await page.waitForSelector('#action-materials');
    await rendered(page);
    expect(await page.$$eval('main li', (li) => li.map((l) => l.textContent))).toEqual(
      expect.arrayContaining(['营业执照复印件', '法定代表人身份证明']),
    );
    await accessible(page, 'case-awaiting-materials');

    await page.type('#action-materials textarea[name=attachments]', 'DOC-2 营业执照复印件\nDOC-3 身份证明');
    await page.click('#action-materials button[type=submit]');
    await status('已受理');
    await page.waitForSelector('#action-extend');
    await rendered(page);

    await page.type('#action-extend input[name=workingDays]', '2');
    await page.type('#action-extend textarea[name=reason]', '需调取原始执法档案');
    await page.click('#action-extend button[type=submit]');
    await a.caseFile(id, (c) => c.timeline.some((e: { kind: string }) => e.kind === 'extended'));
    await page.waitForFunction(
      () => document.querySelector('main')?.textContent?.includes('已延长 2 个工作日') ?? false,
    );

    await page.type('#action-withdraw textarea[name=reason]', '申请人书面申请撤回');
    await page.click('#action-withdraw button[type=submit]');
    await status('已撤回');
    await rendered(page);
    expect(await page.$('#h-actions')).toBeNull();
    await accessible(page, 'case-withdrawn');
  });

  it('signs in with a pasted bearer token, and shows the server’s refusal of a wrong one', async () => {
    const page = await newTab();
    await page.goto(`${base}/`);
    await page.waitForSelector('textarea[name=token]');
    await rendered(page);
    expect(await page.$eval('a[href="/dev-sign-in"]', (e) => e.textContent)).toContain('仅供试用');
    await accessible(page, 'sign-in');
    const refused = await request(base).get('/api/me').set('Authorization', 'Bearer not-a-token').expect(401);
    await page.type('textarea[name=token]', 'not-a-token');
    await page.click('main form button[type=submit]');
    await page.waitForSelector('main [role=alert]');
    expect(await page.$eval('main [role=alert]', (e) => e.textContent)).toBe(refused.body.message);
    const a = actors(stack);
    const token = a.supervisor().Authorization.replace('Bearer ', '');
    await page.$eval('textarea[name=token]', (e) => ((e as unknown as { value: string }).value = ''));
    await page.type('textarea[name=token]', token);
    await page.click('main form button[type=submit]');
    await page.waitForFunction(() => location.hash === '#/dashboard');
    await rendered(page);
    expect(await page.$eval('main h1', (e) => e.textContent)).toBe('督查看板');
  });

  it('offers the dev sign-in to the loopback interface only, and not through a proxy', async () => {
    const local = await request(base).get('/dev-sign-in').expect(200);
    expect(local.text).toContain('仅供试用本服务');
    expect((await request(base).get('/api/console/sign-in-options').expect(200)).body.devSignIn).toBe(true);

    const remote = `http://${externalAddress()}:${port}`;
    const page = await request(remote).get('/dev-sign-in').expect(403);
    expect(page.body).toEqual({
      code: 'CONSOLE_DEV_SIGN_IN_LOOPBACK_ONLY',
      message: expect.stringContaining('只接受本机'),
    });
    const token = await request(remote)
      .post('/api/console/dev-sign-in')
      .send({ role: 'supervisor', jurisdiction: JURISDICTION })
      .expect(403);
    expect(token.body.code).toBe('CONSOLE_DEV_SIGN_IN_LOOPBACK_ONLY');
    expect((await request(remote).get('/api/console/sign-in-options').expect(200)).body.devSignIn).toBe(
      false,
    );
    // The console itself answers everywhere: elsewhere one signs in with a pasted token.
    expect((await request(remote).get('/').expect(200)).text).toContain('lang="zh-CN"');

    const proxied = await request(base)
      .post('/api/console/dev-sign-in')
      .set('X-Forwarded-For', '203.0.113.9')
      .send({ role: 'supervisor', jurisdiction: JURISDICTION })
      .expect(403);
    expect(proxied.body.code).toBe('CONSOLE_DEV_SIGN_IN_LOOPBACK_ONLY');

    const unknown = await request(base)
      .post('/api/console/dev-sign-in')
      .send({ role: 'caseworker', jurisdiction: JURISDICTION, department: 'no-such' })
      .expect(422);
    expect(unknown.body).toMatchObject({
      code: 'CONSOLE_DEV_SIGN_IN_INVALID',
      message: expect.stringContaining('no-such'),
    });
  });

  it('has no dev sign-in when tokens come from an identity provider (no embedded key pair)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'console-idp-'));
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const publicKeyFile = path.join(dir, 'idp.pub.pem');
    writeFileSync(publicKeyFile, pair.publicKey.export({ type: 'spki', format: 'pem' }));
    const api = await startTestApi({ env: { AUTH_JWT_PUBLIC_KEY_FILE: publicKeyFile } });
    try {
      const http = () => request(api.app.getHttpServer());
      const page = await http().get('/dev-sign-in').expect(404);
      expect(page.body).toEqual({
        code: 'CONSOLE_DEV_SIGN_IN_UNAVAILABLE',
        message: expect.stringContaining('粘贴'),
      });
      const token = await http()
        .post('/api/console/dev-sign-in')
        .send({ role: 'supervisor', jurisdiction: JURISDICTION })
        .expect(404);
      expect(token.body.code).toBe('CONSOLE_DEV_SIGN_IN_UNAVAILABLE');
      expect((await http().get('/api/console/sign-in-options').expect(200)).body.devSignIn).toBe(false);
      expect((await http().get('/').expect(200)).text).toContain('/console/app.mjs');
    } finally {
      await api.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
