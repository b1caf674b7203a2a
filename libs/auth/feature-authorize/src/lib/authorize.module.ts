import { DynamicModule, Module } from '@nestjs/common';
import { AuthorizationFlowService } from './authorization-flow.service';
import { AuthorizeHousekeepingService } from './authorize-housekeeping.service';
import { AuthorizeMetadata } from './authorize-metadata';
import { AUTHORIZE_OPTIONS, AuthorizeOptions } from './authorize.options';
import { DeviceFlowService } from './device-flow.service';
import { AuthorizationCodeGrant } from './grants/authorization-code.grant';
import { DeviceCodeGrant } from './grants/device-code.grant';
import { ProtocolController } from './http/protocol.controller';
import { LogoutService } from './logout.service';
import { ParService } from './par.service';
import { AuthorizeController } from './http/authorize.controller';
import { BrowserCookies } from './http/browser-cookies';
import { FlowResponder } from './http/flow-responder';
import { PagesController } from './http/pages.controller';
import { AuthorizeLoginChallengeHandler } from './login-challenge.handler';
import { LoginMethodRegistry } from './pages/login-methods';

/**
 * The authorization endpoint, PAR, the login, consent and device pages, the authorization_code and
 * device_code grants, and RP-initiated logout. Global, so other features can register login methods.
 */
@Module({})
export class AuthorizeModule {
  static with(options: AuthorizeOptions): DynamicModule {
    return {
      module: AuthorizeModule,
      global: true,
      controllers: [AuthorizeController, PagesController, ProtocolController],
      providers: [
        { provide: AUTHORIZE_OPTIONS, useValue: options },
        { provide: BrowserCookies, useValue: new BrowserCookies(options.publicUrl) },
        AuthorizationFlowService,
        DeviceFlowService,
        FlowResponder,
        LoginMethodRegistry,
        AuthorizeLoginChallengeHandler,
        ParService,
        LogoutService,
        AuthorizationCodeGrant,
        DeviceCodeGrant,
        AuthorizeMetadata,
        AuthorizeHousekeepingService,
      ],
      exports: [LoginMethodRegistry, AuthorizationFlowService, FlowResponder, BrowserCookies],
    };
  }
}
