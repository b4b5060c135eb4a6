import { Controller, Get } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/auth.decorators';
import { ROLE_NAMES_ZH, type Principal } from '../auth/roles';

/** Who am I: lets a client show the signed-in user's roles, department and jurisdiction. */
@ApiTags('auth')
@ApiBearerAuth()
@Controller('api/me')
export class MeController {
  @Get()
  @ApiOperation({ summary: 'The caller as the token describes them' })
  @ApiOkResponse({ description: 'sub, roles (with Chinese names), department, jurisdiction' })
  @ApiUnauthorizedResponse({ description: 'No or invalid bearer token (AUTH_REQUIRED, AUTH_INVALID_TOKEN)' })
  me(@CurrentPrincipal() principal: Principal) {
    return { ...principal, roleNames: principal.roles.map((r) => ROLE_NAMES_ZH[r]) };
  }
}
