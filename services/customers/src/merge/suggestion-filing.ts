import type { EntityManager } from '@mikro-orm/postgresql';
import { newId } from '@openretail/contracts';
import { executeBound } from '@openretail/persistence';
import type { FieldContribution, PairScore } from '../matching';

/** A possible duplicate to file: the pair's score from `score.aId`'s side. */
export interface SuggestionDraft {
  site: string;
  score: PairScore;
  origin: 'ingestion' | 'batch';
  orderId?: string;
  jobId?: string;
}

/** The pair in its stored order (customerA < customerB), the contributions seen from customerA. */
export function storedPair(score: PairScore): { a: string; b: string; contributions: FieldContribution[] } {
  if (score.aId < score.bId) return { a: score.aId, b: score.bId, contributions: score.contributions };
  return {
    a: score.bId,
    b: score.aId,
    contributions: score.contributions.map((c) => {
      const flipped: FieldContribution = { ...c };
      delete flipped.a;
      delete flipped.b;
      if (c.b !== undefined) flipped.a = c.b;
      if (c.a !== undefined) flipped.b = c.a;
      return flipped;
    }),
  };
}

/**
 * Files suggestions, one statement for all: a new pair is stored open; a pair already open gets
 * the new score; a pair a manager has decided stays as decided. A pair is never raised again once
 * rejected, also after merges: the rejection of A and B holds for any profiles A and B were merged
 * into (their "families" through merged_into). Returns the ids of the suggestions now open for
 * the drafts.
 */
export async function fileSuggestions(
  em: EntityManager,
  drafts: readonly SuggestionDraft[],
): Promise<string[]> {
  if (drafts.length === 0) return [];
  const now = new Date().toISOString();
  const rows = drafts.map((d) => {
    const { a, b, contributions } = storedPair(d.score);
    return {
      id: newId(),
      site: d.site,
      a,
      b,
      weight: d.score.weight,
      probability: d.score.probability,
      contributions,
      contradictions: d.score.contradictions,
      origin: d.origin,
      order_id: d.orderId ?? null,
      job_id: d.jobId ?? null,
    };
  });
  const filed = await executeBound<{ id: string }[]>(
    em,
    `with recursive input as (
       select distinct on (a, b) * from jsonb_to_recordset(?::jsonb) as x(id uuid, site text, a uuid, b uuid,
         weight float8, probability float8, contributions jsonb, contradictions text[], origin text,
         order_id uuid, job_id uuid)
       where a <> b
       order by a, b, weight desc
     ), family(root, id) as (
       select v.id, v.id from (select a as id from input union select b from input) v
       union
       select f.root, c.id from customers c join family f on c.merged_into = f.id
     ), refused as (
       select i.a, i.b from input i
       where exists (
         select 1 from customer_match_suggestions s
         join family fa on fa.id = s.customer_a
         join family fb on fb.id = s.customer_b
         where s.status = 'rejected'
           and ((fa.root = i.a and fb.root = i.b) or (fa.root = i.b and fb.root = i.a))
       )
     )
     insert into customer_match_suggestions (id, site, customer_a, customer_b, weight, probability,
       contributions, contradictions, status, origin, order_id, job_id, created_at, updated_at)
     select i.id, i.site, i.a, i.b, i.weight, i.probability, i.contributions, i.contradictions, 'open',
       i.origin, i.order_id, i.job_id, ?::timestamptz, ?::timestamptz
     from input i where not exists (select 1 from refused r where r.a = i.a and r.b = i.b)
     on conflict (customer_a, customer_b) do update set weight = excluded.weight,
       probability = excluded.probability, contributions = excluded.contributions,
       contradictions = excluded.contradictions, updated_at = excluded.updated_at
     where customer_match_suggestions.status = 'open'
     returning id`,
    [JSON.stringify(rows), now, now],
  );
  return filed.map((r) => r.id);
}
