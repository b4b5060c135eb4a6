import { PlatformOutbox } from '../../infra/database/entities/registry';
import { commitmentWorkflowId } from '../../workflows/commitment/types';
import { decideBreachUpdate, reportBreachUpdate } from '../../workflows/commitment/messages';
import {
  acceptRepairUpdate,
  decideRepairUpdate,
  revokeRepairUpdate,
  supplyRepairMaterialsUpdate,
} from '../../workflows/repair/messages';
import { usccCheckCharacter } from '../../workflows/registry/identifiers';
import { recordHistories } from '../support/replay';
import { untilCommitment } from './commitment-support';
import {
  createObjectionWorld,
  endOfDay,
  measureStatuses,
  notificationsOf,
  recordOf,
  recordRow,
  type ObjectionWorld,
} from './objection-support';
import { finished, listEntriesOfRecord, repairOf, startRepair, untilRepair } from './repair-support';

const YX = { jurisdiction: 'yexian-mz', office: '叶县民政局', department: '叶县民政局' };
const uscc = (first17: string) => first17 + usccCheckCharacter(first17);
let n = 0;

/** A subject with one penalty record of 叶县民政局 of the given tier and decision date. */
async function penalty(
  world: ObjectionWorld,
  tier: string,
  decisionDate: string,
  department = YX.department,
) {
  const subjectCode = uscc(
    `52410422MJ${String(process.pid % 100).padStart(2, '0')}${String(++n + 700).padStart(5, '0')}`,
  );
  const subjectName = `修复测试社会组织${n}号`;
  await world.registry.subjects.register({
    kind: 'other-organisation',
    code: subjectCode,
    name: subjectName,
    actor: 't',
  });
  const { record } = await world.registry.records.register({
    subjectCode,
    kind: 'administrative-penalty',
    department,
    documentNo: `叶民罚〔${decisionDate.slice(0, 4)}〕修${n}号`,
    decisionDate,
    severityTier: tier,
    title: '未按规定开展年度检查',
    content: '警告并罚款',
    publicityStart: decisionDate,
    actor: 'provider.1',
  });
  return { recordId: record.id, subjectCode, subjectName };
}

/** 信用修复 under time skipping: approval with every effect, refusal, 补正, escalation, revocation. */
describe('credit repair (信用修复)', () => {
  let world: ObjectionWorld;
  beforeAll(async () => {
    world = await createObjectionWorld();
  });
  afterAll(async () => {
    await world?.close();
  });

  const decide = (approved: boolean, reasons: string, department = YX.department) => ({
    args: [{ actor: 'provider.1', department, approved, reasons }] as [
      { actor: string; department: string; approved: boolean; reasons: string },
    ],
  });

  it('approved by the identifying department: publicity and sharing stop, measures lifted, the list exited, a written decision; kept commitment closes it', async () => {
    const record = await recordOf(world, YX.department, { withMeasure: true }); // 一般, decided 2026-03-02
    const handle = await startRepair(world, { ...YX, receivedAt: '2027-03-01T10:00:00+08:00', record });
    const received = await untilRepair(handle, (s) => s.step?.step === 'accept' && s.step.due !== '');
    expect(received.eligibility).toMatchObject({
      eligible: true,
      tier: '一般',
      policyVersion: 2, // the 2026 tiers are more favourable (shorter maximum publicity)
      minPublicityEnd: '2026-06-02',
    });
    expect(received.step!.due).toBe(endOfDay('2027-03-04'));
    await expect(handle.executeUpdate(decideRepairUpdate, decide(true, '早了'))).rejects.toMatchObject({
      cause: { type: 'REPAIR_WRONG_STATUS' },
    });
    await handle.executeUpdate(acceptRepairUpdate, { args: [{ actor: 'caseworker.1' }] });
    await expect(
      handle.executeUpdate(decideRepairUpdate, decide(true, '不是我认定的', '叶县市场监督管理局')),
    ).rejects.toMatchObject({ cause: { type: 'REPAIR_OTHER_DEPARTMENT' } });
    const approved = await handle.executeUpdate(
      decideRepairUpdate,
      decide(true, '已缴清罚款并完成整改，符合修复条件'),
    );
    expect(approved.status).toBe('approved');
    expect(approved.effects).toMatchObject({ recordRepaired: true, toldDepartments: [YX.department] });
    expect(approved.effects!.liftedMeasureIds).toEqual(record.measureIds);
    expect(approved.effects!.exitedListEntryIds).toHaveLength(1);
    expect(approved.decisionLetter).toContain('信用修复决定书');
    expect(approved.decisionLetter).toContain('已停止公示');

    expect((await recordRow(world, record.recordId)).status).toBe('repaired');
    expect(await measureStatuses(world, record.measureIds)).toEqual(['lifted']);
    const [entry] = await listEntriesOfRecord(world, record.recordId);
    expect(entry.exitedOn).not.toBeNull();
    const pushed = await world.dataSource
      .getRepository(PlatformOutbox)
      .findBy({ aggregateId: record.recordId, eventType: 'record.repaired' });
    expect(pushed).toHaveLength(1);
    const notices = await notificationsOf(world, approved.caseId);
    expect(notices.map((x) => x.kind)).toEqual(
      expect.arrayContaining(['repair.approved', 'repair.measures.lifted']),
    );

    // The 信用修复承诺 runs a year; kept, it closes the repair case.
    const commitment = world.env.client.workflow.getHandle(commitmentWorkflowId(approved.commitment!.caseId));
    await untilCommitment(commitment, (s) => s.status === 'in-force');
    await world.env.sleep(368 * 24 * 3600 * 1000);
    const closed = await untilRepair(handle, (s) => s.status === 'closed', 30_000);
    expect(closed.commitment?.endedAs).toBe('kept');
    await finished(handle);
    await recordHistories([handle], 'repair', 'approved with every effect and kept commitment');
  });

  it('too early in the minimum publicity period: refused at once with the first day a new application can succeed', async () => {
    const record = await penalty(world, '严重', '2028-06-01');
    const handle = await startRepair(world, { ...YX, receivedAt: '2029-01-10T10:00:00+08:00', record });
    const refused = await finished(handle);
    expect(refused.status).toBe('refused');
    expect(refused.eligibility).toMatchObject({
      eligible: false,
      tier: '严重',
      minPublicityEnd: '2029-06-01',
    });
    expect(refused.reapplyFrom).toBe('2029-06-02');
    expect(refused.decisionLetter).toContain('2029年6月2日起重新提出');
    await recordHistories([handle], 'repair', 'refused in the minimum publicity period');
  });

  it('the office that handles the case signs its letter (谁认定、谁修复), not the policy’s issuer', async () => {
    const office = '叶县市场监督管理局'; // under the policy of 叶县民政局 (yexian-mz)
    const record = await penalty(world, '严重', '2028-06-01', office);
    const handle = await startRepair(world, {
      ...YX,
      office,
      receivedAt: '2029-01-10T10:00:00+08:00',
      record,
    });
    const refused = await finished(handle);
    expect(refused.officeName).toBe(office);
    expect(refused.decisionLetter).toContain(`${office}\n2029年1月10日`);
    expect(refused.decisionLetter).not.toContain('叶县民政局\n');
  });

  it('严重: 补正 of the training certificate and credit report stops the clock; the decision overdue is escalated; refused with reasons', async () => {
    const record = await penalty(world, '严重', '2025-01-02');
    const handle = await startRepair(world, { ...YX, receivedAt: '2029-03-01T10:00:00+08:00', record });
    const asked = await untilRepair(
      handle,
      (s) => s.status === 'awaiting-materials' && !!s.pendingMaterials?.lapsesAt,
    );
    expect(asked.pendingMaterials!.items).toEqual(['training-certificate', 'credit-report']);
    await expect(
      handle.executeUpdate(acceptRepairUpdate, { args: [{ actor: 'caseworker.1' }] }),
    ).rejects.toMatchObject({
      cause: { type: 'REPAIR_WRONG_STATUS' },
    });
    await world.env.sleep(2 * 24 * 3600 * 1000);
    await handle.executeUpdate(supplyRepairMaterialsUpdate, {
      args: [
        {
          actor: 'applicant',
          materials: [
            { kind: 'training-certificate', attachment: { ref: 'T-1', name: '信用修复培训结业证书' } },
            { kind: 'credit-report', attachment: { ref: 'R-1', name: '信用报告' } },
          ],
        },
      ],
    });
    const resumed = await untilRepair(handle, (s) => s.status === 'received' && s.step?.step === 'accept');
    expect(resumed.clockStops.every((stop) => stop.to)).toBe(true);
    // Acceptance: 3 WD from Thu 1 March 2029 (due Tue 6 March), 补正 from the 1st to the 3rd not counted.
    expect(resumed.step!.due).toBe(endOfDay('2029-03-07'));
    await handle.executeUpdate(acceptRepairUpdate, { args: [{ actor: 'caseworker.1' }] });
    await world.env.sleep(20 * 24 * 3600 * 1000);
    const escalated = await untilRepair(handle, (s) => s.escalationLevel === 2);
    expect(escalated.step).toMatchObject({ step: 'decide', escalationLevel: 2 });
    const recipients = (await notificationsOf(world, escalated.caseId)).map((x) => x.recipient);
    expect(recipients).toEqual(
      expect.arrayContaining([`provider@${YX.department}`, 'credit-office@yexian-mz']),
    );
    const refused = await handle.executeUpdate(decideRepairUpdate, decide(false, '罚款尚未缴清'));
    expect(refused.status).toBe('refused');
    expect(refused.reapplyFrom).toBeDefined();
    expect(refused.decisionLetter).toContain('罚款尚未缴清');
    expect((await recordRow(world, record.recordId)).status).toBe('active');
    await recordHistories([handle], 'repair', 'materials escalated refused');
  });

  it('revoked for false materials: published again, measures applied again, the list restored, and the subject barred', async () => {
    const record = await recordOf(world, YX.department, { withMeasure: true });
    const handle = await startRepair(world, { ...YX, receivedAt: '2029-06-01T10:00:00+08:00', record });
    await untilRepair(handle, (s) => s.step?.step === 'accept');
    await handle.executeUpdate(acceptRepairUpdate, { args: [{ actor: 'caseworker.1' }] });
    await handle.executeUpdate(decideRepairUpdate, decide(true, '符合修复条件'));
    const revoked = await handle.executeUpdate(revokeRepairUpdate, {
      args: [{ actor: 'provider.1', department: YX.department, reason: '缴款凭证系伪造' }],
    });
    expect(revoked.status).toBe('revoked');
    expect(revoked.revocation).toMatchObject({ cause: 'false-materials', barredUntil: '2030-06-01' });
    expect((await recordRow(world, record.recordId)).status).toBe('active');
    const entries = await listEntriesOfRecord(world, record.recordId);
    expect(entries.some((e) => e.exitedOn === null)).toBe(true);
    expect(revoked.decisionLetter).toContain('撤销信用修复决定书');
    await finished(handle);
    await recordHistories([handle], 'repair', 'revoked for false materials');

    // The bar: a new application for another record of the subject is refused until it ends.
    const other = await world.registry.records.register({
      subjectCode: record.subjectCode,
      kind: 'administrative-penalty',
      department: YX.department,
      documentNo: `叶民罚〔2026〕另${record.recordId.slice(0, 4)}号`,
      decisionDate: '2026-05-01',
      severityTier: '一般',
      title: '另一处罚',
      content: '警告',
      actor: 'provider.1',
    });
    const again = await startRepair(world, {
      ...YX,
      receivedAt: '2029-06-02T10:00:00+08:00',
      record: { ...record, recordId: other.record.id },
    });
    const barred = await finished(again);
    expect(barred.status).toBe('refused');
    expect(barred.eligibility!.reasons.join('')).toContain('2030-06-01前不得再次申请');
    expect(barred.reapplyFrom).toBe('2030-06-02');
  });

  it('a breached 信用修复承诺 revokes the repair by itself', async () => {
    const record = await recordOf(world, YX.department);
    const handle = await startRepair(world, { ...YX, receivedAt: '2030-07-01T10:00:00+08:00', record });
    await untilRepair(handle, (s) => s.step?.step === 'accept');
    await handle.executeUpdate(acceptRepairUpdate, { args: [{ actor: 'caseworker.1' }] });
    const approved = await handle.executeUpdate(decideRepairUpdate, decide(true, '符合修复条件'));
    const commitment = world.env.client.workflow.getHandle(commitmentWorkflowId(approved.commitment!.caseId));
    await untilCommitment(commitment, (s) => s.status === 'in-force');
    await commitment.executeUpdate(reportBreachUpdate, {
      args: [{ actor: 'supervisor.1', description: '再次发生同类违法行为' }],
    });
    await commitment.executeUpdate(decideBreachUpdate, {
      args: [{ actor: 'caseworker.1', reportNo: 1, confirmed: true, reason: '经查属实' }],
    });
    const revoked = await untilRepair(handle, (s) => s.closedAt !== undefined);
    expect(revoked).toMatchObject({ status: 'revoked', revocation: { cause: 'commitment-breached' } });
    expect((await recordRow(world, record.recordId)).status).toBe('active');
    expect((await repairOf(handle)).timeline.map((e) => e.kind)).toContain('commitment-ended');
  });
});
