import { Injectable } from '@nestjs/common';
import { EntityManager, MikroORM, UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { ConflictError, NotFoundError, ValidationError } from '@openretail/contracts';
import { Authenticator } from '../authentication/authenticator';
import { page, type ListQuery, type Page } from '../http-input';
import { ReferenceCodes, unknownCodes } from '../reference-codes';
import type { CreateUserBody, UpdateUserBody } from './user.schema';
import { User } from './user.entity';

export interface UserView {
  id: string;
  login: string;
  name: string;
  email: string | null;
  groups: string[];
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export function toUserView(user: User): UserView {
  return {
    id: user.id,
    login: user.login,
    name: user.name,
    email: user.email ?? null,
    groups: user.groups,
    active: user.active,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
  };
}

/** Users and their groups; group codes must exist in the reference data. */
@Injectable()
export class UsersService {
  constructor(
    private readonly orm: MikroORM,
    private readonly codes: ReferenceCodes,
    private readonly authenticator: Authenticator,
  ) {}

  async create(body: CreateUserBody): Promise<UserView> {
    await this.checkGroups(body.groups);
    const em = this.orm.em.fork();
    const user = em.create(User, { ...body, email: body.email ?? null });
    try {
      await em.flush();
    } catch (e) {
      if (e instanceof UniqueConstraintViolationException) {
        throw new ConflictError(`a user with login '${body.login}' already exists`);
      }
      throw e;
    }
    return toUserView(user);
  }

  async list(query: ListQuery): Promise<Page<UserView>> {
    const users = await this.orm.em.fork().find(User, query.after ? { id: { $gt: query.after } } : {}, {
      orderBy: { id: 'asc' },
      limit: query.limit,
    });
    return page(users.map(toUserView), query.limit);
  }

  async get(id: string): Promise<UserView> {
    return toUserView(await this.find(this.orm.em.fork(), id));
  }

  async update(id: string, body: UpdateUserBody): Promise<UserView> {
    if (body.groups) await this.checkGroups(body.groups);
    const em = this.orm.em.fork();
    const user = await this.find(em, id);
    em.assign(user, { ...body, updatedAt: new Date() });
    await em.flush();
    // A deactivated user or changed groups take effect on this replica at once, elsewhere within the cache time.
    this.authenticator.forget();
    return toUserView(user);
  }

  private async find(em: EntityManager, id: string): Promise<User> {
    const user = await em.findOne(User, { id });
    if (!user) throw new NotFoundError(`user ${id} not found`);
    return user;
  }

  private async checkGroups(groups: readonly string[]): Promise<void> {
    if (groups.length === 0) return;
    const violations = unknownCodes(groups, await this.codes.load(), 'userGroups', 'groups');
    if (violations.length) throw new ValidationError(violations);
  }
}
