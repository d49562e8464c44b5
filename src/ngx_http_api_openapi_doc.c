
/*
 * ngx_http_api_module: the building blocks of the OpenAPI 3.1 document
 * (jansson values made at configuration time): the shared components,
 * operations with their security, parameters, request bodies and
 * responses.
 *
 * Every operation lists the statuses README's tables say it can answer,
 * plus those its location's policies add (api_key: 401, 403, 503, 504;
 * api_limit_req: 429, 503) and 500.  Problems share one schema whose
 * "code" enumerates the module's codes.
 */


#include "ngx_http_api_openapi_int.h"
#include "ngx_http_api_idempotency.h"


typedef struct {
    const char                  *name;
    const char                  *description;
    const char                  *type;
} ngx_http_api_oa_header_t;


typedef struct {
    ngx_uint_t                   status;
    const char                  *description;
} ngx_http_api_oa_status_t;


static ngx_http_api_oa_header_t  ngx_http_api_oa_headers[] = {
    { "ETag", "The revision of what the response carries (a strong tag).",
      "string" },
    { "Location", "The URL of the created resource.", "string" },
    { "Link", "The next page: <…>; rel=\"next\" (absent on the last).",
      "string" },
    { "Retry-After", "Seconds until a retry may succeed.", "integer" },
    { "RateLimit", "Per limit: \"zone\";r=<remaining>;t=<seconds to full>"
      " (draft-ietf-httpapi-ratelimit-headers).", "string" },
    { "RateLimit-Policy", "Per limit: \"zone\";q=<requests>;w=<seconds>.",
      "string" },
    { "Idempotent-Replayed", "\"true\": the recorded response of an earlier"
      " request with this Idempotency-Key.", "string" },
    { "Allow", "The methods the path supports.", "string" },
    { "WWW-Authenticate", "Bearer realm=\"api\" and, for a bad key, its"
      " error (RFC 6750).", "string" },
    { "Cache-Control", "no-cache: revalidate with If-None-Match.",
      "string" },
    { NULL, NULL, NULL }
};


static ngx_http_api_oa_status_t  ngx_http_api_oa_statuses[] = {
    { 400, "Bad request: the body, id, limit, cursor or"
           " Idempotency-Key (see code)." },
    { 401, "No valid API key (api_key_missing, api_key_invalid,"
           " api_key_expired)." },
    { 403, "The API key lacks the scope (insufficient_scope)." },
    { 404, "No such collection, document or key." },
    { 409, "Conflict: the document or key exists, or a request with this"
           " Idempotency-Key is still running." },
    { 412, "If-Match or If-None-Match does not hold." },
    { 413, "The body or the patched document is too large." },
    { 415, "The body is not JSON (Content-Type)." },
    { 422, "Unprocessable: this Idempotency-Key was used for another"
           " request, or the document violates the collection's schema." },
    { 429, "Over a rate limit (rate_limited)." },
    { 500, "The module could not process the request." },
    { 503, "Redis is unavailable (redis_unavailable, redis_error,"
           " redis_slow, api_key_unavailable, ratelimit_unavailable)." },
    { 504, "Redis did not answer in time; the outcome of a write is"
           " unknown." },
    { 0, NULL }
};


static const char  *ngx_http_api_oa_codes[] = {
    "method_not_allowed", "redis_unavailable", "redis_timeout",
    "redis_error", "redis_slow", "internal_error",
    "invalid_json", "invalid_utf8", "duplicate_key", "number_out_of_range",
    "too_deep", "not_an_object", "empty_body", "invalid_body",
    "invalid_id", "id_mismatch", "invalid_limit", "invalid_cursor",
    "unknown_collection", "not_found", "already_exists",
    "precondition_failed", "body_too_large", "document_too_large",
    "unsupported_media_type", "idempotency_key_required",
    "bad_idempotency_key", "idempotency_in_flight",
    "idempotency_key_reused", "schema_violation",
    "api_key_missing", "api_key_invalid", "api_key_expired",
    "insufficient_scope", "api_key_unavailable",
    "invalid_key_request", "key_exists",
    "rate_limited", "ratelimit_unavailable",
    "unsupported_content_encoding",
    /* api_problem: what nginx itself refuses, behind error_page */
    "bad_request", "unauthorized", "forbidden", "request_timeout",
    "length_required", "uri_too_long", "range_not_satisfiable",
    "too_many_requests", "not_implemented", "bad_gateway",
    "service_unavailable", "gateway_timeout",
    "http_version_not_supported", "insufficient_storage", "http_error",
    NULL
};


/*
 * Where api_collection_schema plugs in: until collections have schemas,
 * every collection is {"type": "object"}.
 */

json_t *
ngx_http_api_openapi_schema(ngx_http_api_loc_conf_t *alcf,
    ngx_str_t *collection)
{
    return NULL;
}


/* Sets o[key] = value, taking value's reference; records any failure. */

void
ngx_http_api_oa_set(ngx_http_api_oa_t *oa, json_t *o, const char *key,
    json_t *value)
{
    if (value == NULL || o == NULL) {
        json_decref(value);
        oa->failed = 1;
        return;
    }

    if (json_object_set_new(o, key, value) != 0) {
        oa->failed = 1;
    }
}


json_t *
ngx_http_api_oa_ref(ngx_http_api_oa_t *oa, const char *kind,
    const char *name)
{
    return json_pack("{s:s}", "$ref",
                     ngx_http_api_oa_str(oa->cf, NGX_HTTP_API_OA_REF "%s/%s",
                                         kind, name));
}


/* A reference to components/headers/name, which is added on first use. */

json_t *
ngx_http_api_oa_header(ngx_http_api_oa_t *oa, const char *name)
{
    ngx_http_api_oa_header_t  *h;

    if (json_object_get(oa->headers, name) == NULL) {

        for (h = ngx_http_api_oa_headers; h->name; h++) {
            if (ngx_strcmp(h->name, name) == 0) {
                break;
            }
        }

        if (h->name == NULL) {
            oa->failed = 1;
            return NULL;
        }

        ngx_http_api_oa_set(oa, oa->headers, name,
                            json_pack("{s:s, s:{s:s}}",
                                      "description", h->description,
                                      "schema", "type", h->type));
    }

    return ngx_http_api_oa_ref(oa, "headers", name);
}


json_t *
ngx_http_api_oa_param(ngx_http_api_oa_t *oa, const char *name)
{
    return ngx_http_api_oa_ref(oa, "parameters", name);
}


/* What every document has: the problem, the id and the parameters. */

void
ngx_http_api_oa_components(ngx_http_api_oa_t *oa)
{
    json_t      *codes;
    const char **c;

    codes = json_array();

    for (c = ngx_http_api_oa_codes; *c; c++) {
        if (json_array_append_new(codes, json_string(*c)) != 0) {
            oa->failed = 1;
        }
    }

    ngx_http_api_oa_set(oa, oa->schemas, "Problem",
        json_pack("{s:s, s:s, s:[s,s,s,s], s:{s:{s:s, s:s}, s:{s:s},"
                  " s:{s:s, s:i, s:i}, s:{s:s}, s:{s:s, s:o},"
                  " s:{s:s, s:s}}}",
                  "description", "RFC 9457 problem details",
                  "type", "object",
                  "required", "type", "title", "status", "code",
                  "properties",
                  "type", "type", "string", "format", "uri-reference",
                  "title", "type", "string",
                  "status", "type", "integer", "minimum", 400,
                  "maximum", 599,
                  "detail", "type", "string",
                  "code", "type", "string", "enum", codes,
                  "request_id", "type", "string",
                  "description", "nginx's $request_id"));

    ngx_http_api_oa_set(oa, oa->schemas, "Id",
        json_pack("{s:s, s:s, s:s}",
                  "type", "string",
                  "pattern", "^[A-Za-z0-9._~-]{1,128}$",
                  "description", "26 characters (ULID-like) when the server"
                  " chose it; 1 to 128 of A-Z a-z 0-9 . _ ~ - (not . or"
                  " ..) when the client did"));

    ngx_http_api_oa_set(oa, oa->params, "Id",
        json_pack("{s:s, s:s, s:b, s:{s:s}}",
                  "name", "id", "in", "path", "required", 1,
                  "schema", "$ref", NGX_HTTP_API_OA_REF "schemas/Id"));

    ngx_http_api_oa_set(oa, oa->params, "IfMatch",
        json_pack("{s:s, s:s, s:s, s:{s:s}}",
                  "name", "If-Match", "in", "header",
                  "description", "Entity tags (strong comparison) or *;"
                  " 412 if none matches",
                  "schema", "type", "string"));

    ngx_http_api_oa_set(oa, oa->params, "IfNoneMatch",
        json_pack("{s:s, s:s, s:s, s:{s:s}}",
                  "name", "If-None-Match", "in", "header",
                  "description", "Entity tags (weak comparison) or *: 304"
                  " on a read, 412 on a write if one matches",
                  "schema", "type", "string"));

    ngx_http_api_oa_set(oa, oa->params, "Limit",
        json_pack("{s:s, s:s, s:s, s:{s:s, s:i}}",
                  "name", "limit", "in", "query",
                  "description", "Documents per page (default 20, at most"
                  " the location's api_list_limit_max)",
                  "schema", "type", "integer", "minimum", 1));

    ngx_http_api_oa_set(oa, oa->params, "Cursor",
        json_pack("{s:s, s:s, s:s, s:{s:s}}",
                  "name", "cursor", "in", "query",
                  "description", "next_cursor of the previous page",
                  "schema", "type", "string"));
}


/* A tag of the document's "tags"; NGX_ERROR (recorded) on failure. */

ngx_int_t
ngx_http_api_oa_tag(ngx_http_api_oa_loc_t *lc, const char *name,
    const char *description)
{
    if (name == NULL || description == NULL
        || json_array_append_new(lc->oa->tags,
                                 json_pack("{s:s, s:s}", "name", name,
                                           "description", description))
           != 0)
    {
        lc->oa->failed = 1;
        return NGX_ERROR;
    }

    return NGX_OK;
}


/* paths[fmt with a], created if it is new. */

json_t *
ngx_http_api_oa_path(ngx_http_api_oa_loc_t *lc, const char *fmt,
    const char *a)
{
    json_t      *path;
    const char  *key;

    key = ngx_http_api_oa_str(lc->oa->cf, fmt, lc->base, a);
    if (key == NULL) {
        lc->oa->failed = 1;
        return NULL;
    }

    path = json_object_get(lc->oa->paths, key);

    if (path == NULL) {
        path = json_object();
        ngx_http_api_oa_set(lc->oa, lc->oa->paths, key, path);
    }

    return lc->oa->failed ? NULL : path;
}


/*
 * A new operation with its tag, a unique operationId and the security
 * its location requires for scope ("read", "write").
 */

json_t *
ngx_http_api_oa_op(ngx_http_api_oa_loc_t *lc, json_t *path,
    const char *method, const char *summary, const char *id,
    const char *scope)
{
    json_t             *op, *sec;
    ngx_uint_t          n;
    const char         *opid;
    ngx_http_api_oa_t  *oa;

    oa = lc->oa;

    if (path == NULL || oa->failed) {
        oa->failed = 1;
        return NULL;
    }

    opid = ngx_http_api_oa_str(oa->cf, "%s_%s", lc->prefix, id);

    for (n = 2; opid != NULL && json_object_get(oa->opids, opid); n++) {
        opid = ngx_http_api_oa_str(oa->cf, "%s_%s_%ui", lc->prefix, id, n);
    }

    if (opid == NULL) {
        oa->failed = 1;
        return NULL;
    }

    ngx_http_api_oa_set(oa, oa->opids, opid, json_true());

    op = json_pack("{s:s, s:s, s:[s], s:{}}",
                   "summary", summary, "operationId", opid,
                   "tags", lc->tag, "responses");

    if (lc->scheme == NULL) {
        sec = json_array();

    } else if (lc->resource == NULL) {
        sec = json_pack("[{s:[s]}]", lc->scheme, scope);

    } else {
        sec = json_pack("[{s:[s]}, {s:[s]}]", lc->scheme, scope,
                        lc->scheme,
                        ngx_http_api_oa_str(oa->cf, "%s:%s", scope,
                                            lc->resource));
    }

    ngx_http_api_oa_set(oa, op, "security", sec);

    /* the path owns op from here */
    ngx_http_api_oa_set(oa, path, method, op);

    return oa->failed ? NULL : op;
}


/* The operation's parameters: components/parameters names, NULL-ended. */

void
ngx_http_api_oa_params(ngx_http_api_oa_loc_t *lc, json_t *op,
    const char *first, ...)
{
    va_list      args;
    json_t      *a;
    const char  *name;

    if (op == NULL) {
        return;
    }

    a = json_array();

    va_start(args, first);

    for (name = first; name != NULL; name = va_arg(args, const char *)) {
        if (json_array_append_new(a, ngx_http_api_oa_param(lc->oa, name))
            != 0)
        {
            lc->oa->failed = 1;
        }
    }

    va_end(args);

    ngx_http_api_oa_set(lc->oa, op, "parameters", a);
}


/* Problem responses for the statuses given, 0-ended. */

void
ngx_http_api_oa_problems(ngx_http_api_oa_loc_t *lc, json_t *op,
    int first, ...)
{
    char                       key[NGX_INT_T_LEN + 1];
    char                       name[sizeof("Problem") + NGX_INT_T_LEN];
    json_t                    *responses, *resp, *headers;
    va_list                    args;
    int                        status;
    ngx_http_api_oa_t         *oa;
    ngx_http_api_oa_status_t  *s;

    oa = lc->oa;
    responses = json_object_get(op, "responses");

    if (responses == NULL) {
        oa->failed = 1;
        return;
    }

    va_start(args, first);

    /* int: the callers' literals are promoted to int */
    for (status = first; status; status = va_arg(args, int)) {

        *ngx_sprintf((u_char *) key, "%d", status) = '\0';

        if (json_object_get(responses, key) != NULL) {
            continue;
        }

        for (s = ngx_http_api_oa_statuses; s->status; s++) {
            if (s->status == (ngx_uint_t) status) {
                break;
            }
        }

        if (s->status == 0) {
            oa->failed = 1;
            break;
        }

        resp = json_pack("{s:s, s:{s:{s:{s:s}}}}",
                         "description", s->description,
                         "content", "application/problem+json", "schema",
                         "$ref", NGX_HTTP_API_OA_REF "schemas/Problem");

        headers = json_object();

        if (status == 503 || status == 429 || status == 409) {
            ngx_http_api_oa_set(oa, headers, "Retry-After",
                                ngx_http_api_oa_header(oa, "Retry-After"));
        }

        if (status == 401 || status == 403) {
            ngx_http_api_oa_set(oa, headers, "WWW-Authenticate",
                                ngx_http_api_oa_header(oa,
                                                       "WWW-Authenticate"));
        }

        if (json_object_size(headers)) {
            ngx_http_api_oa_set(oa, resp, "headers", headers);

        } else {
            json_decref(headers);
        }

        if (lc->alcf->limits != NULL) {
            /* its responses get the RateLimit headers: each its own */
            ngx_http_api_oa_set(oa, responses, key, resp);
            continue;
        }

        /* the same problem everywhere: one component for each status */

        *ngx_sprintf((u_char *) name, "Problem%d", status) = '\0';

        if (json_object_get(oa->responses, name) == NULL) {
            ngx_http_api_oa_set(oa, oa->responses, name, resp);

        } else {
            json_decref(resp);
        }

        ngx_http_api_oa_set(oa, responses, key,
                            ngx_http_api_oa_ref(oa, "responses", name));
    }

    va_end(args);
}


/*
 * A success response: a JSON body of schema (or none when schema is
 * NULL); returns it, so that headers can be added.
 */

json_t *
ngx_http_api_oa_success(ngx_http_api_oa_loc_t *lc, json_t *op,
    ngx_uint_t status, const char *description, json_t *schema,
    const char *type)
{
    char     key[NGX_INT_T_LEN + 1];
    json_t  *resp;

    if (op == NULL) {
        json_decref(schema);
        lc->oa->failed = 1;
        return NULL;
    }

    *ngx_sprintf((u_char *) key, "%ui", status) = '\0';

    if (schema != NULL) {
        resp = json_pack("{s:s, s:{s:{s:o}}}", "description", description,
                         "content", type ? type : "application/json",
                         "schema", schema);

    } else {
        resp = json_pack("{s:s}", "description", description);
    }

    ngx_http_api_oa_set(lc->oa, json_object_get(op, "responses"), key,
                        resp);

    return lc->oa->failed ? NULL : resp;
}


void
ngx_http_api_oa_add_header(ngx_http_api_oa_loc_t *lc, json_t *resp,
    const char *name)
{
    json_t  *headers;

    if (resp == NULL) {
        lc->oa->failed = 1;
        return;
    }

    headers = json_object_get(resp, "headers");

    if (headers == NULL) {
        headers = json_object();
        ngx_http_api_oa_set(lc->oa, resp, "headers", headers);
    }

    ngx_http_api_oa_set(lc->oa, headers, name,
                        ngx_http_api_oa_header(lc->oa, name));
}


/*
 * What the location's policies add to an operation: their refusals, and
 * the rate-limit headers on every response.
 */

void
ngx_http_api_oa_finish(ngx_http_api_oa_loc_t *lc, json_t *op)
{
    json_t      *resp;
    const char  *key;

    if (op == NULL) {
        lc->oa->failed = 1;
        return;
    }

    if (lc->alcf->key) {
        ngx_http_api_oa_problems(lc, op, 401, 403, 503, 504, 0);
    }

    if (lc->alcf->limits != NULL) {
        ngx_http_api_oa_problems(lc, op, 429, 503, 0);

        /* the limits themselves, as RateLimit-Policy writes them */
        if (lc->limits != NULL) {
            ngx_http_api_oa_set(lc->oa,
                                json_object_get(json_object_get(op,
                                                    "responses"), "429"),
                                "description", json_string(lc->limits));
        }
    }

    ngx_http_api_oa_problems(lc, op, 500, 0);

    if (lc->alcf->limits == NULL || !lc->alcf->limit_headers) {
        return;
    }

    json_object_foreach(json_object_get(op, "responses"), key, resp) {
        ngx_http_api_oa_add_header(lc, resp, "RateLimit");
        ngx_http_api_oa_add_header(lc, resp, "RateLimit-Policy");
    }
}


void
ngx_http_api_oa_body(ngx_http_api_oa_loc_t *lc, json_t *op, json_t *schema,
    ngx_uint_t patch)
{
    json_t  *content;

    if (op == NULL || schema == NULL) {
        json_decref(schema);
        lc->oa->failed = 1;
        return;
    }

    content = json_pack("{s:{s:O}}", "application/json", "schema", schema);

    if (patch) {
        ngx_http_api_oa_set(lc->oa, content, "application/merge-patch+json",
                            json_pack("{s:O}", "schema", schema));
    }

    json_decref(schema);

    ngx_http_api_oa_set(lc->oa, op, "requestBody",
                        json_pack("{s:b, s:o}", "required", 1,
                                  "content", content));
}


/* The Idempotency-Key parameter of a location with api_idempotency. */

json_t *
ngx_http_api_oa_idem(ngx_http_api_oa_loc_t *lc)
{
    return json_pack("{s:s, s:s, s:b, s:s, s:{s:s}}",
                     "name", "Idempotency-Key", "in", "header",
                     "required",
                     lc->alcf->idempotency == NGX_HTTP_API_IDEM_REQUIRED,
                     "description", "A retry with the same key and request"
                     " writes once and replays the response",
                     "schema", "type", "string");
}


/*
 * The rest of a write with a body (POST, PUT, PATCH): what a body and
 * Redis may answer, what an Idempotency-Key (idem) and a schema (check)
 * add, then the policies'.
 */

void
ngx_http_api_oa_write(ngx_http_api_oa_loc_t *lc, json_t *op, json_t *resp,
    ngx_uint_t idem, ngx_uint_t check)
{
    if (idem) {
        ngx_http_api_oa_add_header(lc, resp, "Idempotent-Replayed");
        ngx_http_api_oa_problems(lc, op, 409, 422, 0);
    }

    ngx_http_api_oa_problems(lc, op, 400, 404, 413, 415, 503, 504, 0);

    if (check) {
        ngx_http_api_oa_problems(lc, op, 422, 0);
    }

    ngx_http_api_oa_finish(lc, op);
}


/* A location name as an operationId prefix: "/v1/" -> "v1". */

const char *
ngx_http_api_oa_slug(ngx_conf_t *cf, ngx_str_t *name)
{
    u_char      *s, *p;
    ngx_uint_t   i, sep;

    s = ngx_pnalloc(cf->pool, name->len + sizeof("root"));
    if (s == NULL) {
        return NULL;
    }

    p = s;
    sep = 0;

    for (i = 0; i < name->len; i++) {
        if (isalnum(name->data[i])) {
            if (sep && p != s) {
                *p++ = '_';
            }

            *p++ = name->data[i];
            sep = 0;

        } else {
            sep = 1;
        }
    }

    if (p == s) {
        p = ngx_cpymem(p, "root", 4);
    }

    *p = '\0';

    return (const char *) s;
}


/* ngx_sprintf() into a new C string of the configuration's pool. */

const char *
ngx_http_api_oa_str(ngx_conf_t *cf, const char *fmt, ...)
{
    u_char   buf[1024], *p, *s;
    va_list  args;

    va_start(args, fmt);
    p = ngx_vslprintf(buf, buf + sizeof(buf) - 1, fmt, args);
    va_end(args);

    s = ngx_pnalloc(cf->pool, p - buf + 1);
    if (s == NULL) {
        return NULL;
    }

    *ngx_cpymem(s, buf, p - buf) = '\0';

    return (const char *) s;
}
