import {
  nextRecordState,
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
    expect(platform.sort()).toEqual(['correct', 'delete', 'expire', 'repair', 'revoke']);
  });

  it('only names statuses that exist', () => {
    for (const action of RECORD_ACTIONS) {
      for (const from of RECORD_TRANSITIONS[action].from) expect(RECORD_STATUSES).toContain(from);
    }
  });
});
