import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { RequirePermission } from '../guard/decorators';
import { listQuery, parseId, parseInput } from '../http-input';
import { createUserBody, updateUserBody } from './user.schema';
import { UsersService } from './users.service';

@Controller('v1/users')
@RequirePermission('access:admin')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @HttpCode(201)
  create(@Body() body: unknown) {
    return this.users.create(parseInput(createUserBody, body));
  }

  @Get()
  list(@Query() query: unknown) {
    return this.users.list(parseInput(listQuery, query));
  }

  @Get(':id')
  get(@Param('id') id: string) {
    return this.users.get(parseId(id));
  }

  /** Changes the given fields; `active: false` deactivates the user. */
  @Patch(':id')
  update(@Param('id') id: string, @Body() body: unknown) {
    return this.users.update(parseId(id), parseInput(updateUserBody, body));
  }
}
