import { forwardUpdate, withdrawUpdate } from '../../workflows/objection/messages';
import {
  createObjectionWorld,
  endOfDay,
  measureStatuses,
  ObjectionWorld,
  recordOf,
  recordRow,
  startCase,
  waitFor,
} from './objection-support';

/**
 * Every seed preset on the same hard day: received and forwarded on Thu 2027-09-30, the last
 * working day before the National Day week. Working days after it: Fri 10-08 (1), Sat 10-09, a
 * make-up day (2), Mon 10-11 (3), Tue 10-12 (4), Wed 10-13 (5) ... Fri 10-22 (12).
 */
const PRESETS = [
  // jurisdiction, forward step due, verify due, case due, record while verifying, measures
  ['national', '2027-10-09', '2027-10-13', undefined, 'disputed', 'active'],
  ['yexian-mz', '2027-10-13', '2027-10-13', '2027-10-13', 'disputed', 'suspended'],
  ['jiaxian-sl', '2027-10-09', '2027-10-13', undefined, 'disputed', 'active'],
  ['ningjin', '2027-10-09', '2027-10-13', undefined, 'disputed', 'suspended'],
  ['xinzheng-mz', '2027-10-13', '2027-10-13', '2027-10-22', 'active', 'active'],
  ['yongchang', '2027-10-09', '2027-10-13', undefined, 'disputed', 'active'],
  ['shanghai', '2027-10-09', '2027-10-13', undefined, 'disputed', 'active'],
] as const;

describe('objection limits and suspension of every seed preset over National Day 2027', () => {
  let world: ObjectionWorld;
  beforeAll(async () => {
    world = await createObjectionWorld();
  });
  afterAll(async () => {
    await world?.close();
  });

  it.each(PRESETS)(
    '%s: forward due %s, verify due %s, case due %s, record %s, measures %s',
    async (jurisdiction, forwardDue, verifyDue, caseDue, recordStatus, measureStatus) => {
      const provider = `${jurisdiction}-信息提供单位`;
      const record = await recordOf(world, provider, { withMeasure: true });
      const handle = await startCase(world, {
        jurisdiction,
        office: `${jurisdiction}-受理单位`,
        provider,
        receivedAt: '2027-09-30T10:00:00+08:00',
        record,
      });
      const received = await waitFor(
        handle,
        (s) =>
          s.step?.due === endOfDay(forwardDue) &&
          (caseDue === undefined || s.caseDue !== undefined) &&
          s.timeline.some((e) => e.kind === 'record-disputed'),
      );
      expect(received.step).toMatchObject({ step: 'forward', due: endOfDay(forwardDue), provisional: false });
      expect(received.caseDue).toBe(caseDue === undefined ? undefined : endOfDay(caseDue));
      expect((await recordRow(world, record.recordId)).status).toBe(recordStatus);
      expect(await measureStatuses(world, record.measureIds)).toEqual([measureStatus]);

      await handle.executeUpdate(forwardUpdate, { args: [{ actor: 'caseworker.1' }] });
      const forwarded = await waitFor(
        handle,
        (s) => s.step?.step === 'verify' && s.step.secondLevelAt !== undefined,
      );
      expect(forwarded.step?.due).toBe(endOfDay(verifyDue));

      const withdrawn = await handle.executeUpdate(withdrawUpdate, {
        args: [{ actor: 'caseworker.1', reason: '申请人撤回' }],
      });
      expect(withdrawn.status).toBe('withdrawn');
      // Whatever the objection did to the record is undone.
      expect((await recordRow(world, record.recordId)).status).toBe('active');
      expect(await measureStatuses(world, record.measureIds)).toEqual(['active']);
    },
  );
});
