import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { RECORD_ACTIONS, type RecordAction } from '../../../workflows/registry/record-lifecycle';
import {
  LIST_TYPES,
  MEASURE_KINDS,
  PERSON_ROLES,
  RECORD_KINDS,
  RECORD_STATUSES,
  SUBJECT_KINDS,
  type ListType,
  type MeasureKind,
  type PersonRole,
  type RecordKind,
  type RecordStatus,
  type SubjectKind,
} from '../../../workflows/registry/types';

/** Calendar dates are exchanged as YYYY-MM-DD (Beijing dates). */
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const CODE_EXAMPLE_ORG = '52410422MJ0000011T';

export class PersonDto {
  @ApiProperty({ enum: PERSON_ROLES, description: '法定代表人 / 主要负责人 / 直接责任人员' })
  @IsIn(PERSON_ROLES)
  role!: PersonRole;

  @ApiProperty({
    description: '居民身份证号码 (GB 11643 check digit validated)',
    example: '11010519491231002X',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(40)
  code!: string;

  @ApiProperty({ example: '王五' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name!: string;
}

export class RegisterSubjectDto {
  @ApiProperty({ enum: SUBJECT_KINDS })
  @IsIn(SUBJECT_KINDS)
  kind!: SubjectKind;

  @ApiProperty({
    description: '统一社会信用代码 (organisations) or 居民身份证号码 (natural persons); checksum validated',
    example: CODE_EXAMPLE_ORG,
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(40)
  code!: string;

  @ApiProperty({ example: '叶县某养老服务中心' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ example: 'yexian' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  jurisdiction?: string;

  @ApiPropertyOptional({
    type: [PersonDto],
    description: 'Organisations only: persons measures reach (落实到人)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => PersonDto)
  persons?: PersonDto[];
}

export class SubjectQueryDto {
  @ApiPropertyOptional({ description: 'Part of the name' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ enum: SUBJECT_KINDS })
  @IsOptional()
  @IsIn(SUBJECT_KINDS)
  kind?: SubjectKind;

  @ApiPropertyOptional({ minimum: 1, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

export class RegisterRecordDto {
  @ApiProperty({ description: 'Code of a registered subject', example: CODE_EXAMPLE_ORG })
  @IsString()
  @IsNotEmpty()
  @MaxLength(40)
  subjectCode!: string;

  @ApiProperty({ enum: RECORD_KINDS })
  @IsIn(RECORD_KINDS)
  kind!: RecordKind;

  @ApiProperty({
    description: 'Decision document number (文书号); unique per department',
    example: '叶民罚决字〔2026〕3号',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  documentNo!: string;

  @ApiProperty({ example: '2026-03-02' })
  @Matches(DATE)
  decisionDate!: string;

  @ApiPropertyOptional({
    description: 'Date the conduct ended (retention of personal records counts from it)',
  })
  @IsOptional()
  @Matches(DATE)
  conductEndedOn?: string;

  @ApiPropertyOptional({
    description: 'Severity tier as the provider names it (轻微/一般/较重/严重 …)',
    example: '一般',
  })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  severityTier?: string;

  @ApiProperty({ example: '未按规定报送年度工作报告' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  title!: string;

  @ApiProperty({ example: '给予警告' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(20000)
  content!: string;

  @ApiPropertyOptional({ description: 'First day of publicity; omit for records not published' })
  @IsOptional()
  @Matches(DATE)
  publicityStart?: string;

  @ApiPropertyOptional({ description: 'Earliest end of publicity (minimum period, repair eligibility)' })
  @IsOptional()
  @Matches(DATE)
  publicityMinEnd?: string;

  @ApiPropertyOptional({ description: 'Publicity stops automatically after this day (maximum period)' })
  @IsOptional()
  @Matches(DATE)
  publicityMaxEnd?: string;

  @ApiPropertyOptional({ description: 'The record is deleted after this day' })
  @IsOptional()
  @Matches(DATE)
  retentionEnd?: string;
}

export class RecordQueryDto {
  @ApiPropertyOptional({ description: 'Subject code' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  subject?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  department?: string;

  @ApiPropertyOptional({ enum: RECORD_STATUSES })
  @IsOptional()
  @IsIn(RECORD_STATUSES)
  status?: RecordStatus;

  @ApiPropertyOptional({ enum: RECORD_KINDS })
  @IsOptional()
  @IsIn(RECORD_KINDS)
  kind?: RecordKind;

  @ApiPropertyOptional({ minimum: 1, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

export class RecordTransitionDto {
  @ApiProperty({ enum: RECORD_ACTIONS })
  @IsIn(RECORD_ACTIONS)
  action!: RecordAction;

  @ApiProperty({ description: 'Why; kept in the record history', example: '经核实处罚决定书文号记载错误' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason!: string;

  @ApiPropertyOptional({ description: 'Case the action belongs to (objection, repair …)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  caseRef?: string;

  @ApiPropertyOptional({
    description:
      'For correct: field → new value (title, content, severityTier, dates); null clears an optional date',
    example: { content: '给予警告（更正）' },
  })
  @IsOptional()
  @IsObject()
  changes?: Record<string, string | null>;
}

export class AddListEntryDto {
  @ApiProperty({ example: CODE_EXAMPLE_ORG })
  @IsString()
  @IsNotEmpty()
  @MaxLength(40)
  subjectCode!: string;

  @ApiProperty({ enum: LIST_TYPES, description: 'red 红名单, black 黑名单, watch 重点关注名单' })
  @IsIn(LIST_TYPES)
  listType!: ListType;

  @ApiProperty({ description: 'Domain (领域) of the list', example: '民政' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  domain!: string;

  @ApiProperty({ example: '社会组织严重违法失信名单' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  listName!: string;

  @ApiProperty({ description: 'Basis of the listing (认定依据)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  basis!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  documentNo?: string;

  @ApiPropertyOptional({ description: 'The credit record the listing rests on' })
  @IsOptional()
  @IsUUID()
  recordId?: string;

  @ApiProperty({ example: '2026-03-05' })
  @Matches(DATE)
  effectiveFrom!: string;

  @ApiPropertyOptional({ example: '2029-03-05' })
  @IsOptional()
  @Matches(DATE)
  expiresOn?: string;
}

export class ReasonDto {
  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  caseRef?: string;
}

export class DefineMeasureDto {
  @ApiProperty({ example: 'CJ-MZ-001' })
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/)
  code!: string;

  @ApiProperty({ example: '从严审核行政许可事项' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiProperty({ enum: MEASURE_KINDS })
  @IsIn(MEASURE_KINDS)
  kind!: MeasureKind;

  @ApiProperty({ example: '《关于对社会组织严重违法失信行为实施联合惩戒的合作备忘录》' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  legalBasis!: string;

  @ApiProperty({ enum: LIST_TYPES, isArray: true })
  @IsArray()
  @ArrayNotEmpty()
  @IsIn(LIST_TYPES, { each: true })
  applicableLists!: ListType[];

  @ApiPropertyOptional({ description: 'Publish at once with this date; omit to keep a draft' })
  @IsOptional()
  @Matches(DATE)
  publishedOn?: string;
}

export class PublishMeasureDto {
  @ApiPropertyOptional({ description: 'Date of publication (default today)' })
  @IsOptional()
  @Matches(DATE)
  publishedOn?: string;
}

export class MeasureQueryDto {
  @ApiPropertyOptional({ enum: MEASURE_KINDS })
  @IsOptional()
  @IsIn(MEASURE_KINDS)
  kind?: MeasureKind;
}

export class ApplyMeasureDto {
  @ApiProperty({ example: 'CJ-MZ-001' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  measureCode!: string;

  @ApiProperty({
    description: 'The administrative matter in which it is applied',
    example: '社会组织成立登记',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  matter!: string;

  @ApiPropertyOptional({
    description: 'List entry it rests on (default: newest current entry of an applicable list)',
  })
  @IsOptional()
  @IsUUID()
  listEntryId?: string;

  @ApiPropertyOptional({ description: '落实到人: also apply to the organisation’s responsible persons' })
  @IsOptional()
  @IsBoolean()
  extendToPersons?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  caseRef?: string;
}

export class FeedbackDto {
  @ApiProperty({ description: '执行反馈', example: '已在社会组织成立登记中从严审核，不予登记' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(5000)
  text!: string;
}

export class CreditCheckQueryDto {
  @ApiProperty({ description: 'The matter being handled (办理事项)', example: '养老机构备案' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  matter!: string;

  @ApiPropertyOptional({ description: 'Case file the check belongs to (案卷号 / workflow id)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  caseRef?: string;
}

export class CreditCheckListQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  caseRef?: string;

  @ApiPropertyOptional({ description: 'Subject code' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  subject?: string;
}
