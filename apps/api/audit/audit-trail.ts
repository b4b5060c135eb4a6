import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { appendAuditEvents, AuditEventInput } from '../../../infra/database/audit-chain';

const BATCH = 200;
const FIRST_RETRY_MS = 200;
const LAST_RETRY_MS = 30_000;
const SHUTDOWN_ATTEMPTS = 5;

/**
 * Writes audit rows off the request path without losing them: record() queues the row and
 * returns; one writer per process appends the queue in order (a batch per chain and transaction,
 * see infra/database/audit-chain.ts). A failed append keeps the rows queued and is retried with
 * back-off; shutdown waits for the queue to drain. Rows are held only in memory between the
 * response and the commit, usually milliseconds (docs/audit.md: what a crash can lose).
 */
@Injectable()
export class AuditTrail implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Audit');
  private readonly queue: AuditEventInput[] = [];
  private writing: Promise<void> | undefined;
  private stopping = false;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  record(event: AuditEventInput): void {
    this.queue.push(event);
    this.writing ??= this.write().finally(() => (this.writing = undefined));
  }

  /** Resolves once every row recorded so far is committed (or, on shutdown, given up and logged). */
  async flushed(): Promise<void> {
    while (this.writing) await this.writing;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.flushed();
  }

  private async write(): Promise<void> {
    let delay = FIRST_RETRY_MS;
    let failures = 0;
    while (this.queue.length > 0) {
      const batch = this.queue.slice(0, BATCH);
      try {
        await appendAuditEvents(this.dataSource, batch);
        this.queue.splice(0, batch.length);
        delay = FIRST_RETRY_MS;
        failures = 0;
      } catch (err) {
        failures++;
        this.logger.error(`audit write failed (${this.queue.length} rows queued, retrying): ${String(err)}`);
        if (this.stopping && failures >= SHUTDOWN_ATTEMPTS) {
          // The last resort when the database stays away at shutdown: the rows go to the log.
          this.logger.error(`audit rows NOT written at shutdown: ${JSON.stringify(this.queue.splice(0))}`);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, LAST_RETRY_MS);
      }
    }
  }
}
