import { Body, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ValidationError } from '@openretail/contracts';
import { RequirePermission } from '../../access';
import { CompatController } from '../wire/compat-controller';
import { CompatError } from '../wire/errors';
import {
  jsonObjectParam,
  pageParams,
  pagination,
  paramsFromQuery,
  stringParam,
  type Params,
} from '../wire/params';
import { ReferenceSnapshot, type ReferenceDocument } from '../wire/reference-snapshot';
import {
  applyEdit,
  customDictionaries,
  customFieldToCrm,
  dictionaryToCrm,
  REFERENCE_DICTIONARIES,
  type ReferenceDictionary,
} from './reference-mapping';

const asParams = (body: unknown): Params => (body && typeof body === 'object' ? (body as Params) : {});

function dictionaryAt(path: string): ReferenceDictionary {
  const dictionary = REFERENCE_DICTIONARIES.find((d) => d.path === path);
  if (!dictionary) throw CompatError.notFound('API method not found');
  return dictionary;
}

/**
 * Names a saved document's problems as the request named them: `statuses[4].group` of the reference
 * data is `status.group` of a statuses edit.
 */
function renamed(e: unknown, member: string, param: string): unknown {
  if (!(e instanceof ValidationError)) return e;
  return new ValidationError(
    e.violations.map((v) => ({ ...v, field: v.field.replace(new RegExp(`^${member}\\[\\d+\\]`), param) })),
  );
}

/**
 * RetailCRM API v5 reference dictionaries (`/api/v5/reference/...`) and custom fields
 * (`/api/v5/custom-fields...`), read from and saved to the reference data of the orders service,
 * which validates every save.
 */
@CompatController('v5')
export class CrmReferenceController {
  constructor(private readonly reference: ReferenceSnapshot) {}

  @Get('reference/:dictionary')
  @RequirePermission('reference-data:read')
  async list(@Param('dictionary') path: string) {
    const dictionary = dictionaryAt(path);
    const { data } = await this.reference.get();
    return { success: true, [dictionary.answerKey]: dictionaryToCrm(dictionary, data) };
  }

  /** 201 when the entry is new, 200 when it changed. */
  @Post('reference/:dictionary/:code/edit')
  @RequirePermission('reference-data:write')
  async edit(
    @Param('dictionary') path: string,
    @Param('code') code: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const dictionary = dictionaryAt(path);
    if (!dictionary.editParam || !dictionary.fromCrm) throw CompatError.notFound('API method not found');
    const entry = jsonObjectParam(asParams(body), dictionary.editParam);
    let created = false;
    try {
      await this.reference.edit((doc) => (created = applyEdit(dictionary, doc, code, entry)));
    } catch (e) {
      throw renamed(e, dictionary.member, dictionary.editParam);
    }
    void reply.status(created ? 201 : 200);
    return { success: true };
  }

  /** GET /api/v5/custom-fields: filter[entity], filter[code], filter[type]; limit and page. */
  @Get('custom-fields')
  @RequirePermission('reference-data:read')
  async customFields(@Query() raw: unknown) {
    const params = paramsFromQuery(raw);
    const page = pageParams(params);
    const filter = (params.filter && typeof params.filter === 'object' ? params.filter : {}) as Params;
    const { data } = await this.reference.get();
    const all = data.customFields
      .map((f, i) => customFieldToCrm(f, i))
      .filter(
        (f) =>
          (!stringParam(filter, 'entity') || f.entity === stringParam(filter, 'entity')) &&
          (!stringParam(filter, 'code') || f.code === stringParam(filter, 'code')) &&
          (!stringParam(filter, 'type') || f.type === stringParam(filter, 'type')),
      );
    const start = (page.page - 1) * page.limit;
    return {
      success: true,
      pagination: pagination(page, all.length),
      customFields: all.slice(start, start + page.limit),
    };
  }

  @Get('custom-fields/dictionaries')
  @RequirePermission('reference-data:read')
  async dictionaries(@Query() raw: unknown) {
    const page = pageParams(paramsFromQuery(raw));
    const all = customDictionaries((await this.reference.get()).data);
    const start = (page.page - 1) * page.limit;
    return {
      success: true,
      pagination: pagination(page, all.length),
      customDictionaries: all.slice(start, start + page.limit),
    };
  }

  @Get('custom-fields/dictionaries/:code')
  @RequirePermission('reference-data:read')
  async dictionary(@Param('code') code: string) {
    const found = customDictionaries((await this.reference.get()).data).find((d) => d.code === code);
    if (!found) throw CompatError.notFound();
    return { success: true, customDictionary: found };
  }

  /** The elements become the values of the dictionary fields of this code, in their order. */
  @Post('custom-fields/dictionaries/:code/edit')
  @HttpCode(200)
  @RequirePermission('reference-data:write')
  async editDictionary(@Param('code') code: string, @Body() body: unknown) {
    const dictionary = jsonObjectParam(asParams(body), 'customDictionary');
    if (!Array.isArray(dictionary.elements)) {
      throw CompatError.parameter('customDictionary.elements', 'must be a list of elements');
    }
    const values = (dictionary.elements as Record<string, unknown>[])
      .map((e, i) => ({
        code: String(e?.code ?? ''),
        ordering: typeof e?.ordering === 'number' ? e.ordering : i,
      }))
      .sort((a, b) => a.ordering - b.ordering)
      .map((e) => e.code);
    await this.editFields('customDictionary', (doc) => {
      const fields = doc.customFields.filter((f) => f.code === code && f.type === 'dictionary');
      if (fields.length === 0) throw CompatError.notFound();
      for (const f of fields) f.values = values;
    });
    return { success: true, code };
  }

  @Get('custom-fields/:entity/:code')
  @RequirePermission('reference-data:read')
  async customField(@Param('entity') entity: string, @Param('code') code: string) {
    const { data } = await this.reference.get();
    const index = data.customFields.findIndex((f) => f.entity === entity && f.code === code);
    if (index < 0) throw CompatError.notFound();
    return { success: true, customField: customFieldToCrm(data.customFields[index], index) };
  }

  /** Changes a field's name or active flag; its type and values stay (values: the dictionary's edit). */
  @Post('custom-fields/:entity/:code/edit')
  @HttpCode(200)
  @RequirePermission('reference-data:write')
  async editCustomField(@Param('entity') entity: string, @Param('code') code: string, @Body() body: unknown) {
    const field = jsonObjectParam(asParams(body), 'customField');
    await this.editFields('customField', (doc) => {
      const current = doc.customFields.find((f) => f.entity === entity && f.code === code);
      if (!current) throw CompatError.notFound();
      if (typeof field.name === 'string') current.name = field.name;
      if (typeof field.active === 'boolean') current.active = field.active;
    });
    return { success: true, code };
  }

  private async editFields(param: string, change: (doc: ReferenceDocument) => void) {
    try {
      await this.reference.edit(change);
    } catch (e) {
      throw renamed(e, 'customFields', param);
    }
  }
}
