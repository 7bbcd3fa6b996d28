import { Module } from '@nestjs/common';
import { CustomersModule } from '../customers.module';
import { DedupJobs } from '../dedup/dedup-jobs';
import { MergeService } from '../merge/merge.service';
import { SuggestionsService } from '../merge/suggestions.service';
import { IdentityBackfill } from './backfill';
import { IdentityGrpcHandler } from './identity.grpc';
import { IdentityResolver } from './identity-resolution';
import { IdentityService } from './identity.service';
import { MatchSettings } from './match-settings';

/**
 * Identity resolution: orders and contacts linked to one profile each, possible duplicates for
 * managers, merges and their undo, deduplication jobs over a whole base, per-site match settings.
 */
@Module({
  imports: [CustomersModule],
  providers: [
    MatchSettings,
    IdentityResolver,
    IdentityService,
    IdentityBackfill,
    MergeService,
    SuggestionsService,
    DedupJobs,
    IdentityGrpcHandler,
  ],
  exports: [IdentityResolver, IdentityGrpcHandler, DedupJobs],
})
export class IdentityModule {}
