
/*
 * ngx_http_api_module: the OpenAPI 3.1 document of a set of locations:
 * its frame, and the paths and operations of each api, api_keys,
 * api_health and api_openapi location.
 */


#include "ngx_http_api_openapi_int.h"
#include "ngx_http_api_health.h"
#include "ngx_http_api_idempotency.h"
#include "ngx_http_api_limit_local.h"


static const char *ngx_http_api_oa_limits(ngx_conf_t *cf,
    ngx_array_t *limits);
static ngx_int_t ngx_http_api_oa_location(ngx_http_api_oa_t *oa,
    ngx_http_api_openapi_loc_t *loc);
static void ngx_http_api_oa_api(ngx_http_api_oa_loc_t *lc);
static void ngx_http_api_oa_collection(ngx_http_api_oa_loc_t *lc,
    ngx_str_t *c);
static void ngx_http_api_oa_keys(ngx_http_api_oa_loc_t *lc);
static void ngx_http_api_oa_health(ngx_http_api_oa_loc_t *lc);
static void ngx_http_api_oa_self(ngx_http_api_oa_loc_t *lc);


/*
 * The document as a new value the caller owns: every value made here is
 * owned by root (or freed at once) whatever fails.
 */

json_t *
ngx_http_api_openapi_document(ngx_conf_t *cf,
    ngx_http_api_openapi_loc_t *locs, ngx_uint_t n)
{
    json_t             *components;
    ngx_uint_t          i;
    ngx_http_api_oa_t   oa;

    ngx_memzero(&oa, sizeof(ngx_http_api_oa_t));
    oa.cf = cf;

    oa.root = json_object();
    if (oa.root == NULL) {
        return NULL;
    }

    oa.paths = json_object();
    oa.schemas = json_object();
    oa.headers = json_object();
    oa.params = json_object();
    oa.responses = json_object();
    oa.security = json_object();
    oa.tags = json_array();
    oa.opids = json_object();
    components = json_object();

    ngx_http_api_oa_set(&oa, oa.root, "openapi", json_string("3.1.0"));
    ngx_http_api_oa_set(&oa, oa.root, "info",
        json_pack("{s:s, s:s, s:s}",
                  "title", "ngx_http_api_module",
                  "version", NGX_HTTP_API_VERSION,
                  "description",
                  "The JSON API of this nginx server, generated from its "
                  "configuration when it was loaded. Paths are absolute; "
                  "every error is RFC 9457 application/problem+json with "
                  "a stable code."));
    ngx_http_api_oa_set(&oa, oa.root, "servers",
                        json_pack("[{s:s, s:s}]", "url", "/",
                                  "description", "this server"));

    if (oa.tags != NULL) {
        json_incref(oa.tags);
    }

    ngx_http_api_oa_set(&oa, oa.root, "tags", oa.tags);

    if (oa.paths != NULL) {
        json_incref(oa.paths);
    }

    ngx_http_api_oa_set(&oa, oa.root, "paths", oa.paths);

    if (components != NULL) {
        json_incref(components);
    }

    ngx_http_api_oa_set(&oa, oa.root, "components", components);

    if (components == NULL || oa.schemas == NULL || oa.headers == NULL
        || oa.params == NULL || oa.security == NULL || oa.responses == NULL)
    {
        oa.failed = 1;
        goto done;
    }

    json_incref(oa.schemas);
    json_incref(oa.headers);
    json_incref(oa.params);
    json_incref(oa.responses);
    json_incref(oa.security);
    ngx_http_api_oa_set(&oa, components, "schemas", oa.schemas);
    ngx_http_api_oa_set(&oa, components, "headers", oa.headers);
    ngx_http_api_oa_set(&oa, components, "parameters", oa.params);
    ngx_http_api_oa_set(&oa, components, "responses", oa.responses);
    ngx_http_api_oa_set(&oa, components, "securitySchemes", oa.security);

    ngx_http_api_oa_components(&oa);

    for (i = 0; i < n && !oa.failed; i++) {
        if (ngx_http_api_oa_location(&oa, &locs[i]) != NGX_OK) {
            oa.failed = 1;
        }
    }

    if (json_object_size(oa.security) == 0) {
        json_object_del(components, "securitySchemes");
    }

    if (json_object_size(oa.responses) == 0) {
        json_object_del(components, "responses");
    }

    if (json_object_size(oa.headers) == 0) {
        json_object_del(components, "headers");
    }

done:

    json_decref(components);
    json_decref(oa.paths);
    json_decref(oa.tags);
    json_decref(oa.schemas);
    json_decref(oa.headers);
    json_decref(oa.params);
    json_decref(oa.responses);
    json_decref(oa.security);
    json_decref(oa.opids);

    if (oa.failed) {
        json_decref(oa.root);
        return NULL;
    }

    return oa.root;
}


static ngx_int_t
ngx_http_api_oa_location(ngx_http_api_oa_t *oa,
    ngx_http_api_openapi_loc_t *loc)
{
    ngx_http_api_oa_loc_t     lc;
    ngx_http_api_loc_conf_t  *alcf;

    alcf = loc->alcf;

    ngx_memzero(&lc, sizeof(ngx_http_api_oa_loc_t));
    lc.oa = oa;
    lc.loc = loc;
    lc.alcf = alcf;
    lc.base = ngx_http_api_oa_str(oa->cf, "%V", &loc->clcf->name);
    lc.prefix = ngx_http_api_oa_slug(oa->cf, &loc->clcf->name);

    if (lc.base == NULL || lc.prefix == NULL) {
        return NGX_ERROR;
    }

    if (alcf->limits != NULL) {
        lc.limits = ngx_http_api_oa_limits(oa->cf, alcf->limits);
    }

    if (alcf->key_scope.len) {
        lc.resource = ngx_http_api_oa_str(oa->cf, "%V", &alcf->key_scope);
    }

    if (alcf->key) {
        if (alcf->key_header.len == 0) {
            lc.scheme = "bearer";

            if (json_object_get(oa->security, lc.scheme) == NULL) {
                ngx_http_api_oa_set(oa, oa->security, lc.scheme,
                    json_pack("{s:s, s:s, s:s}",
                              "type", "http", "scheme", "bearer",
                              "description", "An API key (api_keys) as"
                              " Authorization: Bearer <key>. Scopes: read"
                              " (GET, HEAD, OPTIONS), write (other methods),"
                              " and read:<resource>, write:<resource>"));
            }

        } else {
            lc.scheme = ngx_http_api_oa_str(oa->cf, "key_%V",
                                            &alcf->key_header);
            if (lc.scheme == NULL) {
                return NGX_ERROR;
            }

            if (json_object_get(oa->security, lc.scheme) == NULL) {
                ngx_http_api_oa_set(oa, oa->security, lc.scheme,
                    json_pack("{s:s, s:s, s:s%, s:s}",
                              "type", "apiKey", "in", "header",
                              "name", alcf->key_header.data,
                              alcf->key_header.len,
                              "description", "An API key (api_keys) as the"
                              " whole header value. Scopes as for bearer"));
            }
        }
    }

    switch (loc->kind) {

    case NGX_HTTP_API_OPENAPI_API:
        ngx_http_api_oa_api(&lc);
        break;

    case NGX_HTTP_API_OPENAPI_KEYS:
        lc.tag = ngx_http_api_oa_str(oa->cf, "%s (API keys)", lc.base);
        ngx_http_api_oa_keys(&lc);
        break;

    case NGX_HTTP_API_OPENAPI_HEALTH:
        lc.tag = ngx_http_api_oa_str(oa->cf, "%s (health)", lc.base);
        ngx_http_api_oa_health(&lc);
        break;

    default: /* NGX_HTTP_API_OPENAPI_SELF */
        lc.tag = ngx_http_api_oa_str(oa->cf, "%s (OpenAPI)", lc.base);
        ngx_http_api_oa_self(&lc);
        break;
    }

    return oa->failed ? NGX_ERROR : NGX_OK;
}


static void
ngx_http_api_oa_api(ngx_http_api_oa_loc_t *lc)
{
    ngx_str_t   *c;
    ngx_uint_t   i;

    c = lc->alcf->collections->elts;

    for (i = 0; i < lc->alcf->collections->nelts; i++) {
        ngx_http_api_oa_collection(lc, &c[i]);
    }
}


static void
ngx_http_api_oa_collection(ngx_http_api_oa_loc_t *lc, ngx_str_t *c)
{
    json_t                   *path, *item, *op, *resp, *schema, *doc, *list;
    const char               *name, *sname, *docref, *collection;
    ngx_uint_t                idem, check;
    ngx_http_api_oa_t        *oa;
    ngx_http_api_loc_conf_t  *alcf;

    oa = lc->oa;
    alcf = lc->alcf;

    collection = ngx_http_api_oa_str(oa->cf, "%V", c);
    name = ngx_http_api_oa_str(oa->cf, "%s%V", lc->base, c);
    sname = ngx_http_api_oa_str(oa->cf, "%s_%V", lc->prefix, c);

    if (collection == NULL || name == NULL || sname == NULL) {
        oa->failed = 1;
        return;
    }

    if (lc->resource == NULL) {
        lc->resource = collection;
    }

    lc->tag = name;
    lc->prefix = sname;

    if (ngx_http_api_oa_tag(lc, name,
                            ngx_http_api_oa_str(oa->cf, "The collection"
                                                " \"%V\" of the api location"
                                                " %s", c, lc->base))
        != NGX_OK)
    {
        return;
    }

    /* the collection's schema: a document as clients write it */

    schema = ngx_http_api_openapi_schema(alcf, c);
    check = (schema != NULL);

    if (schema == NULL) {
        schema = json_pack("{s:s}", "type", "object");
    }

    ngx_http_api_oa_set(oa, oa->schemas, sname, schema);

    docref = ngx_http_api_oa_str(oa->cf, "%s_document", sname);

    ngx_http_api_oa_set(oa, oa->schemas, docref,
        json_pack("{s:s, s:[{s:s}, {s:s, s:[s], s:{s:{s:s}}}]}",
                  "description", "A stored document: the server puts id"
                  " first",
                  "allOf",
                  "$ref", ngx_http_api_oa_str(oa->cf,
                                              NGX_HTTP_API_OA_REF
                                              "schemas/%s", sname),
                  "type", "object", "required", "id",
                  "properties", "id",
                  "$ref", NGX_HTTP_API_OA_REF "schemas/Id"));

    if (oa->failed) {
        return;
    }

    doc = ngx_http_api_oa_ref(oa, "schemas", docref);
    list = json_pack("{s:s, s:[s,s], s:{s:{s:s, s:O}, s:{s:[s,s]}}}",
                     "type", "object", "required", "items", "next_cursor",
                     "properties",
                     "items", "type", "array", "items", doc,
                     "next_cursor", "type", "string", "null");

    idem = (alcf->idempotency != NGX_HTTP_API_IDEM_OFF);

    path = ngx_http_api_oa_path(lc, "%s%s", collection);
    item = ngx_http_api_oa_path(lc, "%s%s/{id}", collection);

    if (path == NULL || item == NULL) {
        json_decref(doc);
        json_decref(list);
        return;
    }

    ngx_http_api_oa_set(oa, item, "parameters",
                        json_pack("[o]", ngx_http_api_oa_param(oa, "Id")));

    /* POST /{c} */

    op = ngx_http_api_oa_op(lc, path, "post", "Create a document",
                            "create", "write");
    ngx_http_api_oa_body(lc, op, ngx_http_api_oa_ref(oa, "schemas", sname),
                         0);

    if (idem && op != NULL) {
        ngx_http_api_oa_set(oa, op, "parameters",
                            json_pack("[o]", ngx_http_api_oa_idem(lc)));
    }

    resp = ngx_http_api_oa_success(lc, op, 201, "Created",
                                   json_incref(doc), NULL);
    ngx_http_api_oa_add_header(lc, resp, "Location");
    ngx_http_api_oa_add_header(lc, resp, "ETag");

    ngx_http_api_oa_problems(lc, op, 409, 0);
    ngx_http_api_oa_write(lc, op, resp, idem, check);

    /* GET and HEAD /{c} */

    op = ngx_http_api_oa_op(lc, path, "get", "List documents, in id order",
                            "list", "read");
    ngx_http_api_oa_params(lc, op, "Limit", "Cursor", NULL);
    resp = ngx_http_api_oa_success(lc, op, 200, "A page",
                                   json_incref(list), NULL);
    ngx_http_api_oa_add_header(lc, resp, "Link");
    ngx_http_api_oa_add_header(lc, resp, "Cache-Control");
    ngx_http_api_oa_problems(lc, op, 400, 404, 503, 504, 0);
    ngx_http_api_oa_finish(lc, op);

    op = ngx_http_api_oa_op(lc, path, "head", "List documents, no body",
                            "list_head", "read");
    ngx_http_api_oa_params(lc, op, "Limit", "Cursor", NULL);
    resp = ngx_http_api_oa_success(lc, op, 200, "A page", NULL, NULL);
    ngx_http_api_oa_add_header(lc, resp, "Link");
    ngx_http_api_oa_problems(lc, op, 400, 404, 503, 504, 0);
    ngx_http_api_oa_finish(lc, op);

    /* OPTIONS /{c} */

    op = ngx_http_api_oa_op(lc, path, "options", "The methods allowed",
                            "options", "read");
    resp = ngx_http_api_oa_success(lc, op, 204, "No content", NULL, NULL);
    ngx_http_api_oa_add_header(lc, resp, "Allow");
    ngx_http_api_oa_problems(lc, op, 404, 0);
    ngx_http_api_oa_finish(lc, op);

    /* GET and HEAD /{c}/{id} */

    op = ngx_http_api_oa_op(lc, item, "get", "Read a document", "get",
                            "read");
    ngx_http_api_oa_params(lc, op, "IfNoneMatch", NULL);
    resp = ngx_http_api_oa_success(lc, op, 200, "The document",
                                   json_incref(doc), NULL);
    ngx_http_api_oa_add_header(lc, resp, "ETag");
    ngx_http_api_oa_add_header(lc, resp, "Cache-Control");
    resp = ngx_http_api_oa_success(lc, op, 304, "Not modified", NULL, NULL);
    ngx_http_api_oa_add_header(lc, resp, "ETag");
    ngx_http_api_oa_problems(lc, op, 400, 404, 503, 504, 0);
    ngx_http_api_oa_finish(lc, op);

    op = ngx_http_api_oa_op(lc, item, "head", "Read a document, no body",
                            "head", "read");
    ngx_http_api_oa_params(lc, op, "IfNoneMatch", NULL);
    resp = ngx_http_api_oa_success(lc, op, 200, "The document's headers",
                                   NULL, NULL);
    ngx_http_api_oa_add_header(lc, resp, "ETag");
    resp = ngx_http_api_oa_success(lc, op, 304, "Not modified", NULL, NULL);
    ngx_http_api_oa_add_header(lc, resp, "ETag");
    ngx_http_api_oa_problems(lc, op, 400, 404, 503, 504, 0);
    ngx_http_api_oa_finish(lc, op);

    /* PUT /{c}/{id} */

    op = ngx_http_api_oa_op(lc, item, "put", "Create or replace a document",
                            "put", "write");
    ngx_http_api_oa_params(lc, op, "IfMatch", "IfNoneMatch", NULL);
    ngx_http_api_oa_body(lc, op, ngx_http_api_oa_ref(oa, "schemas", sname),
                         0);
    resp = ngx_http_api_oa_success(lc, op, 200, "Replaced",
                                   json_incref(doc), NULL);
    ngx_http_api_oa_add_header(lc, resp, "ETag");
    resp = ngx_http_api_oa_success(lc, op, 201, "Created",
                                   json_incref(doc), NULL);
    ngx_http_api_oa_add_header(lc, resp, "ETag");
    ngx_http_api_oa_add_header(lc, resp, "Location");
    ngx_http_api_oa_problems(lc, op, 412, 0);
    ngx_http_api_oa_write(lc, op, resp, 0, check);

    /* PATCH /{c}/{id} */

    op = ngx_http_api_oa_op(lc, item, "patch",
                            "Merge-patch a document (RFC 7396)", "patch",
                            "write");

    if (idem && op != NULL) {
        ngx_http_api_oa_set(oa, op, "parameters",
                            json_pack("[o, o]",
                                      ngx_http_api_oa_param(oa, "IfMatch"),
                                      ngx_http_api_oa_idem(lc)));

    } else {
        ngx_http_api_oa_params(lc, op, "IfMatch", NULL);
    }

    ngx_http_api_oa_body(lc, op, json_pack("{s:s, s:s}", "type", "object",
                                           "description", "A merge patch:"
                                           " null removes a member"), 1);
    resp = ngx_http_api_oa_success(lc, op, 200, "The merged document",
                                   json_incref(doc), NULL);
    ngx_http_api_oa_add_header(lc, resp, "ETag");

    ngx_http_api_oa_problems(lc, op, 412, 0);
    ngx_http_api_oa_write(lc, op, resp, idem, check);

    /* DELETE /{c}/{id} */

    op = ngx_http_api_oa_op(lc, item, "delete", "Delete a document",
                            "delete", "write");
    ngx_http_api_oa_params(lc, op, "IfMatch", NULL);
    ngx_http_api_oa_success(lc, op, 204, "Deleted", NULL, NULL);
    ngx_http_api_oa_problems(lc, op, 400, 404, 412, 503, 504, 0);
    ngx_http_api_oa_finish(lc, op);

    /* OPTIONS /{c}/{id} */

    op = ngx_http_api_oa_op(lc, item, "options", "The methods allowed",
                            "options_item", "read");
    resp = ngx_http_api_oa_success(lc, op, 204, "No content", NULL, NULL);
    ngx_http_api_oa_add_header(lc, resp, "Allow");
    ngx_http_api_oa_problems(lc, op, 400, 404, 0);
    ngx_http_api_oa_finish(lc, op);

    json_decref(doc);
    json_decref(list);

    /* the next collection of the location starts afresh */
    lc->resource = lc->alcf->key_scope.len
                   ? ngx_http_api_oa_str(oa->cf, "%V", &alcf->key_scope)
                   : NULL;
    lc->prefix = ngx_http_api_oa_slug(oa->cf, &lc->loc->clcf->name);
}


static void
ngx_http_api_oa_keys(ngx_http_api_oa_loc_t *lc)
{
    json_t             *path, *item, *op, *resp, *info;
    ngx_http_api_oa_t  *oa;

    oa = lc->oa;

    if (ngx_http_api_oa_tag(lc, lc->tag, "API key management (api_keys)")
        != NGX_OK)
    {
        return;
    }

    if (json_object_get(oa->schemas, "ApiKey") == NULL) {
        ngx_http_api_oa_set(oa, oa->schemas, "ApiKey",
            json_pack("{s:s, s:[s,s,s,s], s:{s:{s:s}, s:{s:s, s:{s:s}},"
                      " s:{s:s}, s:{s:[s,s]}}}",
                      "type", "object",
                      "required", "name", "scopes", "created", "expires",
                      "properties",
                      "name", "type", "string",
                      "scopes", "type", "array", "items", "type", "string",
                      "created", "type", "integer",
                      "expires", "type", "integer", "null"));

        ngx_http_api_oa_set(oa, oa->schemas, "ApiKeyCreated",
            json_pack("{s:[{s:s}, {s:s, s:[s], s:{s:{s:s}}}]}",
                      "allOf",
                      "$ref", NGX_HTTP_API_OA_REF "schemas/ApiKey",
                      "type", "object", "required", "key",
                      "properties", "key", "type", "string"));

        ngx_http_api_oa_set(oa, oa->schemas, "ApiKeyRequest",
            json_pack("{s:s, s:[s,s], s:b, s:{s:{s:s, s:s},"
                      " s:{s:s, s:i, s:i, s:{s:s}}, s:{s:s, s:i, s:i}}}",
                      "type", "object", "required", "name", "scopes",
                      "additionalProperties", 0,
                      "properties",
                      "name", "type", "string",
                      "pattern", "^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$",
                      "scopes", "type", "array", "minItems", 1,
                      "maxItems", 32, "items", "type", "string",
                      "expires_in", "type", "integer", "minimum", 1,
                      "maximum", 316224000));
    }

    path = ngx_http_api_oa_path(lc, "%s", NULL);
    item = ngx_http_api_oa_path(lc, "%s{name}", NULL);

    if (path == NULL || item == NULL) {
        return;
    }

    ngx_http_api_oa_set(oa, item, "parameters",
                        json_pack("[{s:s, s:s, s:b, s:{s:s}}]",
                                  "name", "name", "in", "path",
                                  "required", 1, "schema", "type",
                                  "string"));

    op = ngx_http_api_oa_op(lc, path, "post", "Create an API key",
                            "create", "write");
    ngx_http_api_oa_body(lc, op,
                         ngx_http_api_oa_ref(oa, "schemas", "ApiKeyRequest"),
                         0);
    resp = ngx_http_api_oa_success(lc, op, 201, "The key, shown this once",
                                   ngx_http_api_oa_ref(oa, "schemas",
                                                       "ApiKeyCreated"),
                                   NULL);
    ngx_http_api_oa_add_header(lc, resp, "Location");
    ngx_http_api_oa_problems(lc, op, 400, 409, 413, 415, 503, 504, 0);
    ngx_http_api_oa_finish(lc, op);

    info = json_pack("{s:s, s:[s], s:{s:{s:s, s:{s:s}}}}",
                     "type", "object", "required", "items",
                     "properties", "items", "type", "array", "items",
                     "$ref", NGX_HTTP_API_OA_REF "schemas/ApiKey");

    op = ngx_http_api_oa_op(lc, path, "get", "List the API keys", "list",
                            "read");
    ngx_http_api_oa_success(lc, op, 200, "Every key, by name",
                            json_incref(info), NULL);
    ngx_http_api_oa_problems(lc, op, 503, 504, 0);
    ngx_http_api_oa_finish(lc, op);

    json_decref(info);

    op = ngx_http_api_oa_op(lc, path, "head", "List the API keys, no body",
                            "list_head", "read");
    ngx_http_api_oa_success(lc, op, 200, "Every key", NULL, NULL);
    ngx_http_api_oa_problems(lc, op, 503, 504, 0);
    ngx_http_api_oa_finish(lc, op);

    op = ngx_http_api_oa_op(lc, path, "options", "The methods allowed",
                            "options", "read");
    resp = ngx_http_api_oa_success(lc, op, 204, "No content", NULL, NULL);
    ngx_http_api_oa_add_header(lc, resp, "Allow");
    ngx_http_api_oa_finish(lc, op);

    op = ngx_http_api_oa_op(lc, item, "get", "Read an API key", "get",
                            "read");
    ngx_http_api_oa_success(lc, op, 200, "The key's name, scopes, times",
                            ngx_http_api_oa_ref(oa, "schemas", "ApiKey"),
                            NULL);
    ngx_http_api_oa_problems(lc, op, 404, 503, 504, 0);
    ngx_http_api_oa_finish(lc, op);

    op = ngx_http_api_oa_op(lc, item, "head", "Read an API key, no body",
                            "head", "read");
    ngx_http_api_oa_success(lc, op, 200, "The key exists", NULL, NULL);
    ngx_http_api_oa_problems(lc, op, 404, 503, 504, 0);
    ngx_http_api_oa_finish(lc, op);

    op = ngx_http_api_oa_op(lc, item, "delete", "Revoke an API key",
                            "delete", "write");
    ngx_http_api_oa_success(lc, op, 204, "Revoked", NULL, NULL);
    ngx_http_api_oa_problems(lc, op, 404, 503, 504, 0);
    ngx_http_api_oa_finish(lc, op);

    op = ngx_http_api_oa_op(lc, item, "options", "The methods allowed",
                            "options_item", "read");
    resp = ngx_http_api_oa_success(lc, op, 204, "No content", NULL, NULL);
    ngx_http_api_oa_add_header(lc, resp, "Allow");
    ngx_http_api_oa_problems(lc, op, 404, 0);
    ngx_http_api_oa_finish(lc, op);
}


static void
ngx_http_api_oa_health(ngx_http_api_oa_loc_t *lc)
{
    json_t      *path, *op, *schema;
    ngx_uint_t   ready;
    const char  *method;

    ready = (lc->alcf->health == NGX_HTTP_API_HEALTH_READY);

    if (ngx_http_api_oa_tag(lc, lc->tag,
                            ready ? "Readiness: a PING through Redis"
                                  : "Liveness: the worker answers")
        != NGX_OK)
    {
        return;
    }

    path = ngx_http_api_oa_path(lc, "%s", NULL);

    for (method = "get"; method != NULL;
         method = (ngx_strcmp(method, "get") == 0) ? "head" : NULL)
    {
        op = ngx_http_api_oa_op(lc, path, method,
                                ready ? "Readiness" : "Liveness", method,
                                "read");

        if (*method == 'g') {
            schema = ready
                ? json_pack("{s:s, s:[s,s], s:{s:{s:s, s:[s]},"
                            " s:{s:s, s:{s:{s:s}, s:{s:s}}}}}",
                            "type", "object", "required", "status", "redis",
                            "properties",
                            "status", "type", "string", "enum", "ok",
                            "redis", "type", "object", "properties",
                            "status", "type", "string",
                            "latency_ms", "type", "number")
                : json_pack("{s:s, s:[s], s:{s:{s:s, s:[s]}}}",
                            "type", "object", "required", "status",
                            "properties", "status", "type", "string",
                            "enum", "ok");
            ngx_http_api_oa_success(lc, op, 200, "Healthy", schema, NULL);

        } else {
            ngx_http_api_oa_success(lc, op, 200, "Healthy", NULL, NULL);
        }

        if (ready) {
            ngx_http_api_oa_problems(lc, op, 503, 504, 0);
        }

        ngx_http_api_oa_finish(lc, op);
    }
}


static void
ngx_http_api_oa_self(ngx_http_api_oa_loc_t *lc)
{
    json_t      *path, *op, *resp;
    const char  *method;

    if (ngx_http_api_oa_tag(lc, lc->tag, "This document (api_openapi)")
        != NGX_OK)
    {
        return;
    }

    path = ngx_http_api_oa_path(lc, "%s", NULL);

    for (method = "get"; method != NULL;
         method = (ngx_strcmp(method, "get") == 0) ? "head" : NULL)
    {
        op = ngx_http_api_oa_op(lc, path, method, "This OpenAPI document",
                                method, "read");
        ngx_http_api_oa_params(lc, op, "IfNoneMatch", NULL);
        resp = ngx_http_api_oa_success(lc, op, 200, "The document",
                                       *method == 'g'
                                       ? json_pack("{s:s}", "type", "object")
                                       : NULL, NULL);
        ngx_http_api_oa_add_header(lc, resp, "ETag");
        ngx_http_api_oa_add_header(lc, resp, "Cache-Control");
        resp = ngx_http_api_oa_success(lc, op, 304, "Not modified", NULL,
                                       NULL);
        ngx_http_api_oa_add_header(lc, resp, "ETag");
        ngx_http_api_oa_finish(lc, op);
    }
}


/*
 * "Over a rate limit (rate_limited): "per_addr";q=100;w=1, burst 200":
 * the location's limits that may refuse (not dry_run ones).
 */

static const char *
ngx_http_api_oa_limits(ngx_conf_t *cf, ngx_array_t *limits)
{
    u_char                     *p, *last;
    ngx_uint_t                  i, n;
    ngx_http_api_limit_t       *limit;
    ngx_http_api_limit_zone_t  *zone;
    u_char                      buf[1024];

    p = ngx_cpymem(buf, "Over a rate limit (rate_limited):",
                   sizeof("Over a rate limit (rate_limited):") - 1);
    last = buf + sizeof(buf) - 1;
    limit = limits->elts;
    n = 0;

    for (i = 0; i < limits->nelts; i++) {
        if (limit[i].dry_run) {
            continue;
        }

        zone = limit[i].shm_zone->data;
        p = ngx_slprintf(p, last, "%s %V, burst %ui", n++ ? ";" : "",
                         &zone->policy, limit[i].burst);
    }

    *p = '\0';

    return ngx_http_api_oa_str(cf, "%s.", buf);
}
