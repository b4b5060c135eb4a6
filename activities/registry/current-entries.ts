import { Brackets, EntityManager } from 'typeorm';
import { ListEntry } from '../../infra/database/entities/registry';

/** A subject's list entries in force on `day`: effective, not yet expired, not exited; newest first. */
export function currentEntries(m: EntityManager, subjectId: string, day: string): Promise<ListEntry[]> {
  return m
    .getRepository(ListEntry)
    .createQueryBuilder('e')
    .where('e.subject_id = :subjectId', { subjectId })
    .andWhere('e.effective_from <= :day', { day })
    .andWhere(new Brackets((b) => b.where('e.expires_on IS NULL').orWhere('e.expires_on > :day', { day })))
    .andWhere(new Brackets((b) => b.where('e.exited_on IS NULL').orWhere('e.exited_on > :day', { day })))
    .orderBy('e.effective_from', 'DESC')
    .addOrderBy('e.created_at', 'DESC')
    .getMany();
}
