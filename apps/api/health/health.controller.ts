import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Connection } from '@temporalio/client';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../../../infra/config/config';
import type { WorkerStatusSource } from '../../../infra/temporal/worker-status';
import { Public } from '../auth/auth.decorators';
import { APP_CONFIG, TEMPORAL_PROBE, WORKER_STATUS } from '../core/runtime';

interface ComponentHealth {
  status: 'up' | 'down';
  detail?: string;
}

const CHECK_TIMEOUT_MS = 3000;

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`${what} timed out`)), CHECK_TIMEOUT_MS).unref(),
    ),
  ]);
}

async function probe(what: string, check: () => Promise<string | undefined>): Promise<ComponentHealth> {
  try {
    const detail = await withTimeout(check(), what);
    return detail ? { status: 'up', detail } : { status: 'up' };
  } catch (err) {
    return { status: 'down', detail: err instanceof Error ? err.message : String(err) };
  }
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(TEMPORAL_PROBE) private readonly temporal: Connection,
    @Inject(WORKER_STATUS) private readonly workerStatus: WorkerStatusSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Public()
  @Get()
  @ApiOperation({ summary: 'Database, Temporal and worker state; 200 only when all are up' })
  @ApiOkResponse({ description: 'All components are up' })
  @ApiServiceUnavailableResponse({ description: 'At least one component is down' })
  async health(@Res() res: Response): Promise<void> {
    const [database, temporal, worker] = await Promise.all([
      probe('database', async () => {
        await this.dataSource.query('SELECT 1');
        return undefined;
      }),
      probe('temporal', async () => {
        await this.temporal.withDeadline(Date.now() + CHECK_TIMEOUT_MS, () =>
          this.temporal.workflowService.getSystemInfo({}),
        );
        return `namespace ${this.config.temporal.namespace}`;
      }),
      probe('worker', () => this.checkWorker()),
    ]);
    const components = { database, temporal, worker };
    const up = Object.values(components).every((c) => c.status === 'up');
    res
      .status(up ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
      .json({ status: up ? 'up' : 'down', components });
  }

  /** The in-process worker's own state, or else whether any worker polls our task queue. */
  private async checkWorker(): Promise<string | undefined> {
    const local = this.workerStatus.state();
    const taskQueue = this.config.temporal.taskQueue;
    if (local !== undefined) {
      if (local !== 'RUNNING') throw new Error(`worker is ${local}`);
      return `task queue ${taskQueue}`;
    }
    const described = await this.temporal.withDeadline(Date.now() + CHECK_TIMEOUT_MS, () =>
      this.temporal.workflowService.describeTaskQueue({
        namespace: this.config.temporal.namespace,
        taskQueue: { name: taskQueue },
        taskQueueType: 1, // TASK_QUEUE_TYPE_WORKFLOW
      }),
    );
    const pollers = described.pollers?.length ?? 0;
    if (pollers === 0) throw new Error(`no worker polls task queue ${taskQueue}`);
    return `${pollers} poller(s) on ${taskQueue}`;
  }
}
