/**
 * The NestJS example: the pages of the Express example on Nest 12 with @ssokit/nest.
 * `SsoModule.forRoot({ sso })` serves /sso/*, and with it the Identity providers console at /sso/admin
 * that `createDemoSso` mounts (`adminConsole()` of `@ssokit/admin-ui`); the controller below keeps the
 * host's own admin page, manual group memberships, behind `@Roles('admins')`.
 *
 * Nest's decorators are applied by calls here, so Node runs this file as it is (type stripping has no
 * decorators). In a Nest project with `experimentalDecorators`, the controller reads:
 *
 *   @Controller() class PagesController {
 *     @Get('profile') @UseGuards(SsoGuard) profile(@CurrentUser() auth: SsoAuth, @Res() res) {...}
 *     @Get('admin/memberships') @UseGuards(SsoGuard) @Roles('admins') memberships(@CurrentUser() auth: SsoAuth, @Res() res) {...}
 *   }
 */
import 'reflect-metadata';
import { Body, Controller, Get, Inject, Module, Post, Req, Res, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { CurrentUser, Roles, type SsoAuth, SsoGuard, SsoModule } from '@ssokit/nest';
import type { Sso } from '@ssokit/server';
import { memoryStorage, type SsoStorage } from '@ssokit/storage';
import express from 'express';
import { APP_GROUPS, createDemoSso, seedDemo } from 'ssokit-example-express/demo-data';
import {
  layout,
  listManualMemberships,
  listUsers,
  loginPage,
  MEMBERSHIPS_PATH,
  membershipRows,
  membershipsPage,
  profilePage,
} from 'ssokit-example-express/pages';

const STORAGE = Symbol('storage');
const SSO = Symbol('sso');
type Reply = {
  type(t: string): Reply;
  send(body: string): void;
  redirect(status: number, url: string): void;
  status(code: number): Reply;
};
type Incoming = { headers: Record<string, string | undefined>; originalUrl: string };

class PagesController {
  readonly #storage: SsoStorage;
  readonly #sso: Sso;
  constructor(storage: SsoStorage, sso: Sso) {
    this.#storage = storage;
    this.#sso = sso;
  }
  async home(req: Incoming, res: Reply) {
    const session = await this.#sso.getSession(
      new Request(new URL(req.originalUrl, this.#sso.origin), {
        headers: { cookie: req.headers.cookie ?? '' },
      }),
    );
    const providers = (await this.#storage.connections.list()).filter((c) => c.active);
    res.type('html').send(layout('Sign in', session, loginPage(providers, session)));
  }
  async profile(auth: SsoAuth, res: Reply) {
    if (!auth.session) return res.redirect(303, '/');
    const user = await this.#storage.users.get(auth.user.id);
    res
      .type('html')
      .send(
        layout(
          'Profile',
          auth.session,
          profilePage(auth.session, user, await membershipRows(this.#storage, auth.user.id)),
        ),
      );
  }
  // The identity providers are managed in ssokit's console at /sso/admin (served by SsoModule); the
  // host keeps its own admin page: manual memberships, which group sync never touches.
  async memberships(auth: SsoAuth, res: Reply) {
    const page = membershipsPage(
      APP_GROUPS,
      await listUsers(this.#storage),
      await listManualMemberships(this.#storage),
    );
    res.type('html').send(layout('Manual group memberships', auth.session ?? null, page));
  }
  async addMembership(body: { email?: string; group?: string }, req: Incoming, res: Reply) {
    if (req.headers.origin && req.headers.origin !== this.#sso.origin)
      return res.status(403).send('Forbidden');
    const user = await this.#storage.users.findByEmail(String(body.email ?? ''));
    const group = (await this.#storage.groups.list()).find((g) => g.name === body.group);
    if (!user || !group) return res.status(400).send('Unknown user or group.');
    await this.#storage.memberships.add({ userId: user.id, groupId: group.id, source: 'manual' });
    res.redirect(303, MEMBERSHIPS_PATH);
  }
}
{
  const p = PagesController.prototype;
  const at = (name: keyof PagesController) => Object.getOwnPropertyDescriptor(p, name) as PropertyDescriptor;
  Get()(p, 'home', at('home'));
  Req()(p, 'home', 0);
  Res()(p, 'home', 1);
  Get('profile')(p, 'profile', at('profile'));
  UseGuards(SsoGuard)(p, 'profile', at('profile'));
  CurrentUser()(p, 'profile', 0);
  Res()(p, 'profile', 1);
  Get(MEMBERSHIPS_PATH)(p, 'memberships', at('memberships'));
  UseGuards(SsoGuard)(p, 'memberships', at('memberships'));
  Roles('admins')(p, 'memberships', at('memberships'));
  CurrentUser()(p, 'memberships', 0);
  Res()(p, 'memberships', 1);
  Post(MEMBERSHIPS_PATH)(p, 'addMembership', at('addMembership'));
  UseGuards(SsoGuard)(p, 'addMembership', at('addMembership'));
  Roles('admins')(p, 'addMembership', at('addMembership'));
  Body()(p, 'addMembership', 0);
  Req()(p, 'addMembership', 1);
  Res()(p, 'addMembership', 2);
  Inject(STORAGE)(PagesController, undefined, 0);
  Inject(SSO)(PagesController, undefined, 1);
  Controller()(PagesController);
}

/** The Nest example, initialised on an Express instance; listen with `expressApp`. */
export interface NestExample {
  app: Awaited<ReturnType<typeof NestFactory.create>>;
  expressApp: express.Express;
  sso: Sso;
  storage: SsoStorage;
  baseUrl: string;
}

/** Builds the Nest example on an Express instance; listen on the returned `expressApp`. */
export async function createNestExample(
  options: { baseUrl?: string; idpUrl?: string; storage?: SsoStorage } = {},
): Promise<NestExample> {
  const baseUrl = options.baseUrl ?? 'http://127.0.0.1:3000';
  // Default: memory (the tests); src/server.ts passes the demo's SQLite file.
  const storage = options.storage ?? memoryStorage();
  await seedDemo(storage, baseUrl, `${options.idpUrl ?? 'http://127.0.0.1:8080'}/realms/ssokit-demo`);
  const sso = createDemoSso(storage, baseUrl);
  class AppModule {}
  Module({
    imports: [SsoModule.forRoot({ sso })],
    controllers: [PagesController],
    providers: [
      { provide: STORAGE, useValue: storage },
      { provide: SSO, useValue: sso },
    ],
  })(AppModule);
  const expressApp = express();
  // rawBody: Nest parses bodies before controllers; ssokit's ACS needs the SAML POST as sent.
  const app = await NestFactory.create(AppModule, new ExpressAdapter(expressApp), {
    rawBody: true,
    logger: ['error', 'warn'],
  });
  await app.init();
  return { app, expressApp, sso, storage, baseUrl };
}
