import { Controller, Get } from '@nestjs/common';
import { Public } from '../access';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi-document';

/** Serves the OpenAPI document; built once, at startup, so a document that cannot be built stops the boot. */
@Controller()
export class OpenApiController {
  private readonly document: OpenApiDocument = buildOpenApiDocument();

  /** Public: a client reads it to learn how to call before it has a key. */
  @Public()
  @Get('openapi.json')
  openApi(): OpenApiDocument {
    return this.document;
  }
}
