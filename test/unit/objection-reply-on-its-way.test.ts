import { HttpStatus } from '@nestjs/common';
import type { Client } from '@temporalio/client';
import type { DataSource } from 'typeorm';
import type { PolicyStore } from '../../activities/policies/policy-store';
import { ObjectionsService } from '../../apps/api/objections/objections.service';
import { ApiError, RefusedForNow } from '../../apps/api/common/errors';
import type { AppConfig } from '../../infra/config/config';
import type { Principal } from '../../apps/api/auth/roles';
import { verificationWorkflowId } from '../../workflows/objection/types';

/**
 * The written reply refused because the case is still 核查中: a refusal for good when the
 * provider has not replied, a refusal for now when its reply is already with the verification
 * child (on its way to the case workflow, as after a worker restart).
 */
describe('ObjectionsService.issueReply while the case is 核查中', () => {
  const row = { id: '7c1d2f9e-7a3b-4c36-9d54-3c1f2b9a8e10', caseNo: 'YY-2026-0001', status: 'forwarded' };
  const principal = {
    sub: 'worker-1',
    roles: ['caseworker'],
    department: 'yexian-fgw',
  } as unknown as Principal;
  const wrongStatus = new ApiError(
    HttpStatus.CONFLICT,
    'OBJECTION_WRONG_STATUS',
    '异议案件当前为“核查中”，不能出具书面告知；只有“已核查”的案件可以。',
  );

  function service(opts: { status?: string; verification: () => Promise<{ status: string }> }) {
    const asked: string[] = [];
    const repo = { findOneBy: async () => ({ ...row, status: opts.status ?? row.status }) };
    const dataSource = { manager: { getRepository: () => repo } } as unknown as DataSource;
    const temporal = {
      workflow: {
        getHandle: (workflowId: string) => ({
          query: async () => {
            asked.push(workflowId);
            return opts.verification();
          },
        }),
      },
    } as unknown as Client;
    const s = new ObjectionsService(dataSource, {} as PolicyStore, temporal, {} as AppConfig);
    jest.spyOn(s, 'act').mockRejectedValue(wrongStatus);
    return { s, asked };
  }

  const outcome = (p: Promise<unknown>) =>
    p.then(
      () => 'answered',
      (err: ApiError) => ({
        status: err.getStatus(),
        code: err.code,
        forNow: err instanceof RefusedForNow,
      }),
    );

  it('is a refusal for now when the verification has the provider’s reply', async () => {
    const { s, asked } = service({ verification: async () => ({ status: 'replied' }) });
    expect(await outcome(s.issueReply(principal, row.id, { actor: 'worker-1' }, 'key-1'))).toEqual({
      status: 409,
      code: 'OBJECTION_WRONG_STATUS',
      forNow: true,
    });
    expect(asked).toEqual([verificationWorkflowId(row.id)]);
  });

  it('stays a refusal for good while the provider has not replied', async () => {
    const { s } = service({ verification: async () => ({ status: 'pending' }) });
    expect(await outcome(s.issueReply(principal, row.id, {}, 'key-1'))).toEqual({
      status: 409,
      code: 'OBJECTION_WRONG_STATUS',
      forNow: false,
    });
  });

  it('stays a refusal for good when the verification cannot be asked', async () => {
    const { s } = service({
      verification: async () => {
        throw new Error('workflow not found');
      },
    });
    expect((await outcome(s.issueReply(principal, row.id, {}, 'key-1'))) as object).toMatchObject({
      forNow: false,
    });
  });

  it('does not ask the verification for a case that is not 核查中', async () => {
    const { s, asked } = service({ status: 'received', verification: async () => ({ status: 'replied' }) });
    expect((await outcome(s.issueReply(principal, row.id, {}, 'key-1'))) as object).toMatchObject({
      forNow: false,
    });
    expect(asked).toEqual([]);
  });
});
