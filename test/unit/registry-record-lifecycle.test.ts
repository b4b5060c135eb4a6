import {
  nextRecordState,
  RECORD_ACTION_NAMES_ZH,
  RECORD_ACTIONS,
  RECORD_TRANSITIONS,
} from '../../workflows/registry/record-lifecycle';
import { RECORD_STATUSES } from '../../workflows/registry/types';

describe('credit record lifecycle', () => {
  it('returns a disputed record to the status it had before the objection when upheld', () => {
    const disputed = nextRecordState('corrected', [], 'dispute');
    expect(disputed).toEqual({
      allowed: true,
      to: 'disputed',
      resumeStack: ['corrected'],
      platformEvent: undefined,
    });
    if (!disputed.allowed) throw new Error('unreachable');
    expect(nextRecordState(disputed.to, disputed.resumeStack, 'resolve-dispute')).toMatchObject({
      allowed: true,
      to: 'corrected',
      resumeStack: [],
    });
  });

  it('remembers both suspensions when a disputed record is also hidden', () => {
    const hidden = nextRecordState('disputed', ['active'], 'hide');
    expect(hidden).toMatchObject({ allowed: true, to: 'hidden', resumeStack: ['active', 'disputed'] });
    expect(nextRecordState('hidden', ['active', 'disputed'], 'unhide')).toMatchObject({
      to: 'disputed',
      resumeStack: ['active'],
    });
  });

  it('ends any suspension on correction or revocation, and tells the platform', () => {
    expect(nextRecordState('hidden', ['active', 'disputed'], 'revoke')).toEqual({
      allowed: true,
      to: 'revoked',
      resumeStack: [],
      platformEvent: 'record.revoked',
    });
    expect(nextRecordState('disputed', ['active'], 'correct')).toMatchObject({
      to: 'corrected',
      platformEvent: 'record.corrected',
    });
  });

  it('refuses repairing a disputed record, disputing a revoked one, and anything on a deleted one', () => {
    expect(nextRecordState('disputed', ['active'], 'repair')).toEqual({
      allowed: false,
      allowedFrom: ['active', 'corrected'],
    });
    expect(nextRecordState('revoked', [], 'dispute').allowed).toBe(false);
    for (const action of RECORD_ACTIONS) expect(nextRecordState('deleted', [], action).allowed).toBe(false);
  });

  it('sends every content change but no suspension to the platform', () => {
    const platform = RECORD_ACTIONS.filter((a) => RECORD_TRANSITIONS[a].platformEvent);
    expect(platform.sort()).toEqual(['correct', 'delete', 'expire', 'repair', 'revoke', 'revoke-repair']);
  });

  describe('撤销信用修复 (revoke-repair)', () => {
    it('returns a repaired record to 正常 when it was repaired from 正常, and tells the platform', () => {
      const repaired = nextRecordState('active', [], 'repair');
      expect(repaired).toEqual({
        allowed: true,
        to: 'repaired',
        resumeStack: ['active'],
        platformEvent: 'record.repaired',
      });
      if (!repaired.allowed) throw new Error('unreachable');
      expect(nextRecordState(repaired.to, repaired.resumeStack, 'revoke-repair')).toEqual({
        allowed: true,
        to: 'active',
        resumeStack: [],
        platformEvent: 'record.repair-revoked',
      });
    });

    it('returns a record repaired after a correction to 已更正, not to 正常', () => {
      const repaired = nextRecordState('corrected', [], 'repair');
      if (!repaired.allowed) throw new Error('unreachable');
      expect(nextRecordState(repaired.to, repaired.resumeStack, 'revoke-repair')).toMatchObject({
        allowed: true,
        to: 'corrected',
        resumeStack: [],
      });
    });

    it('returns a repaired record with no remembered status (repaired before the stack was kept) to 正常', () => {
      expect(nextRecordState('repaired', [], 'revoke-repair')).toMatchObject({ allowed: true, to: 'active' });
    });

    it('is refused on any record that is not repaired', () => {
      for (const status of RECORD_STATUSES.filter((s) => s !== 'repaired')) {
        expect(nextRecordState(status, [], 'revoke-repair')).toEqual({
          allowed: false,
          allowedFrom: ['repaired'],
        });
      }
    });

    it('lets a record whose repair was revoked be repaired again, and a repaired one be deleted at retention end', () => {
      const back = nextRecordState('repaired', ['active'], 'revoke-repair');
      if (!back.allowed) throw new Error('unreachable');
      expect(nextRecordState(back.to, back.resumeStack, 'repair')).toMatchObject({
        allowed: true,
        to: 'repaired',
      });
      expect(nextRecordState('repaired', ['active'], 'delete')).toEqual({
        allowed: true,
        to: 'deleted',
        resumeStack: [],
        platformEvent: 'record.deleted',
      });
    });

    it('has a Chinese name', () => {
      expect(RECORD_ACTION_NAMES_ZH['revoke-repair']).toBe('撤销信用修复');
    });
  });

  it('only names statuses that exist', () => {
    for (const action of RECORD_ACTIONS) {
      for (const from of RECORD_TRANSITIONS[action].from) expect(RECORD_STATUSES).toContain(from);
    }
  });
});
