import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/auth.decorators';
import { PublicRateLimit } from '../common/throttling';
import { text } from '../common/field-schemas';
import { ZodValidationPipe } from '../common/validation';
import { PublicListQueryDto } from './commitments.schemas';
import { CommitmentsService } from './commitments.service';

/**
 * 信用承诺专栏 (no token): the published commitments of a jurisdiction that were admitted (in
 * force, kept, breached) with their signed text, status in Chinese, the subject's name and code —
 * a 居民身份证号码 always masked, the signer's contact never shown.
 */
@ApiTags('commitments: public 专栏')
@Controller('api/public/commitments')
export class PublicCommitmentsController {
  constructor(private readonly commitments: CommitmentsService) {}

  @Get()
  @Public()
  @PublicRateLimit('public')
  @ApiOperation({ summary: 'The 信用承诺专栏 of a jurisdiction, newest first (no token)' })
  list(@Query() query: PublicListQueryDto) {
    return this.commitments.publicList(query);
  }

  @Get(':caseNo')
  @Public()
  @PublicRateLimit('public')
  @ApiOperation({ summary: 'One published commitment by its number (承诺编号), no token' })
  @ApiNotFoundResponse({ description: 'COMMITMENT_NOT_PUBLISHED (unknown, or not shown in the 专栏)' })
  detail(@Param('caseNo', new ZodValidationPipe(text(60))) caseNo: string) {
    return this.commitments.publicDetail(caseNo);
  }
}
