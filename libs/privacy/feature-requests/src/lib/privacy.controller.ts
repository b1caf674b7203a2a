import { Body, Controller, Delete, Get, Header, HttpCode, Param, Post, Res, StreamableFile } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, Caller, CurrentCaller, isUuid } from '@sigma/shared/util-auth';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { requestContextOf } from '@sigma/shared/util-http';
import type { Response } from 'express';
import { ErasureService, ErasureView, VerificationSentView } from './erasure.service';
import { ErasureRequest, ExportRequest } from './export.request.dto';
import { ExportJobView, ExportService } from './export.service';

function idOf(value: string, what: string): string {
  if (!isUuid(value)) throw new DomainError(ErrorKind.VALIDATION, `${what} must be a UUID`, { oauthError: 'invalid_request' });
  return value;
}

function requestIdOf(res: Response): string | undefined {
  return requestContextOf(res)?.requestId;
}

/** Seed 001's privacy routes: data subject access exports and the right to erasure. */
@ApiTags('Privacy')
@Controller('privacy')
export class PrivacyController {
  constructor(
    private readonly exports: ExportService,
    private readonly erasures: ErasureService,
  ) {}

  @Post('export')
  @HttpCode(202)
  @Authenticated()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Request an export of a user’s data',
    description:
      'Seed 001 (202 {job_id, status, created_at, estimated_completion}). The subject themself, or an administrator of the tenant with privacy:export. ' +
      'Every data-owning service answers export.requested with its slice, encrypted to the job’s key; poll GET /privacy/export/{job_id}.',
  })
  async requestExport(@CurrentCaller() caller: Caller, @Body() body: ExportRequest, @Res({ passthrough: true }) res: Response): Promise<ExportJobView> {
    return this.exports.request(caller, body, requestIdOf(res));
  }

  @Get('export/:job_id')
  @Authenticated()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Export status and progress', description: 'parts_received / parts_expected and each service’s answer. The subject or an administrator with privacy:export.' })
  async exportStatus(@CurrentCaller() caller: Caller, @Param('job_id') jobId: string): Promise<ExportJobView> {
    return this.exports.status(caller, idOf(jobId, 'job_id'));
  }

  @Get('export/:job_id/download')
  @Authenticated()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Download a finished export', description: 'JSON, or a zip of CSV tables for format csv. 409 while processing or after a failure; 404 once expired.' })
  async download(@CurrentCaller() caller: Caller, @Param('job_id') jobId: string, @Res({ passthrough: true }) res: Response): Promise<StreamableFile> {
    const id = idOf(jobId, 'job_id');
    const { body, format } = await this.exports.download(caller, id);
    const zip = format === 'csv';
    res.setHeader('Content-Type', zip ? 'application/zip' : 'application/json; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="sigma-iam-export-${id}.${zip ? 'zip' : 'json'}"`);
    return new StreamableFile(body);
  }

  @Post('data/verification')
  @HttpCode(202)
  @Authenticated()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Mail an erasure verification code', description: 'The signed-in user gets a 6-digit code by mail for DELETE /privacy/data (valid ERASURE_CODE_TTL_SECONDS, 5 attempts).' })
  async sendCode(@CurrentCaller() caller: Caller, @Res({ passthrough: true }) res: Response): Promise<VerificationSentView> {
    return this.erasures.sendCode(caller, requestIdOf(res));
  }

  @Delete('data')
  @HttpCode(202)
  @Authenticated()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Erase a user and all their data',
    description:
      'Seed 001. The subject with the mailed verification_code, or an administrator of the tenant with privacy:erase (code optional; recorded). ' +
      '202 with request_id; every service acknowledges; GET /privacy/data/{request_id} shows each one.',
  })
  async erase(@CurrentCaller() caller: Caller, @Body() body: ErasureRequest, @Res({ passthrough: true }) res: Response): Promise<ErasureView> {
    return this.erasures.request(caller, body, requestIdOf(res));
  }

  @Get('data/:request_id')
  @Authenticated()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Erasure status and receipt', description: 'Each service’s acknowledgement and the completion time. The subject or an administrator with privacy:erase.' })
  async erasureStatus(@CurrentCaller() caller: Caller, @Param('request_id') requestId: string): Promise<ErasureView> {
    return this.erasures.status(caller, idOf(requestId, 'request_id'));
  }
}
