
/*
 * ngx_http_api_module: checks a jansson document against a compiled
 * JSON Schema (ngx_http_api_schema.c), collecting capped errors.
 */


#include "ngx_http_api_schema_int.h"


typedef struct ngx_http_api_schema_at_s  ngx_http_api_schema_at_t;

/* where in the document: a chain on the C stack, spelt only on error */
struct ngx_http_api_schema_at_s {
    ngx_http_api_schema_at_t    *parent;
    const char                  *key;       /* NULL: an array index */
    size_t                       len;
};


typedef struct {
    ngx_pool_t                  *pool;
    ngx_array_t                 *errors;
    ngx_uint_t                   silent;    /* inside anyOf, not, ... */
    ngx_uint_t                   depth;
    ngx_uint_t                   steps;
    ngx_uint_t                   full;
} ngx_http_api_schema_vctx_t;


static ngx_int_t ngx_http_api_schema_check(ngx_http_api_schema_vctx_t *v,
    ngx_http_api_schema_node_t *s, json_t *inst,
    ngx_http_api_schema_at_t *at);
static ngx_int_t ngx_http_api_schema_silent(ngx_http_api_schema_vctx_t *v,
    ngx_http_api_schema_node_t *s, json_t *inst,
    ngx_http_api_schema_at_t *at);
static ngx_int_t ngx_http_api_schema_numeric(ngx_http_api_schema_vctx_t *v,
    ngx_http_api_schema_node_t *s, json_t *inst,
    ngx_http_api_schema_at_t *at);
static ngx_int_t ngx_http_api_schema_string(ngx_http_api_schema_vctx_t *v,
    ngx_http_api_schema_node_t *s, json_t *inst,
    ngx_http_api_schema_at_t *at);
static ngx_int_t ngx_http_api_schema_array(ngx_http_api_schema_vctx_t *v,
    ngx_http_api_schema_node_t *s, json_t *inst,
    ngx_http_api_schema_at_t *at);
static ngx_int_t ngx_http_api_schema_object(ngx_http_api_schema_vctx_t *v,
    ngx_http_api_schema_node_t *s, json_t *inst,
    ngx_http_api_schema_at_t *at);
static ngx_int_t ngx_http_api_schema_members(ngx_http_api_schema_vctx_t *v,
    ngx_http_api_schema_node_t *s, json_t *inst,
    ngx_http_api_schema_at_t *at);
static ngx_int_t ngx_http_api_schema_deps(ngx_http_api_schema_vctx_t *v,
    ngx_http_api_schema_node_t *s, json_t *inst,
    ngx_http_api_schema_at_t *at);
static ngx_int_t ngx_http_api_schema_logic(ngx_http_api_schema_vctx_t *v,
    ngx_http_api_schema_node_t *s, json_t *inst,
    ngx_http_api_schema_at_t *at);
static ngx_uint_t ngx_http_api_schema_match(ngx_regex_t *re, const char *p,
    size_t len);
static ngx_int_t ngx_http_api_schema_bound(ngx_http_api_schema_vctx_t *v,
    ngx_http_api_schema_node_t *s, const char *kw,
    ngx_http_api_schema_at_t *at, const char *op, json_t *bound);
static ngx_int_t ngx_http_api_schema_fail(ngx_http_api_schema_vctx_t *v,
    ngx_http_api_schema_node_t *s, const char *kw,
    ngx_http_api_schema_at_t *at, const char *fmt, ...);


/* rc of a check: stop at once, or remember the failure and go on */

#define ngx_http_api_schema_next(v, res, rc)                                  \
    if ((rc) != NGX_OK) {                                                     \
        if ((rc) == NGX_ERROR || (v)->silent || (v)->full) {                  \
            return rc;                                                        \
        }                                                                     \
        res = NGX_DECLINED;                                                   \
    }


ngx_int_t
ngx_http_api_schema_validate(ngx_http_api_schema_t *schema, json_t *doc,
    ngx_pool_t *pool, ngx_array_t **errors)
{
    ngx_int_t                   rc;
    ngx_http_api_schema_vctx_t  v;

    v.pool = pool;
    v.errors = NULL;
    v.silent = 0;
    v.depth = 0;
    v.steps = 0;
    v.full = 0;

    rc = ngx_http_api_schema_check(&v, schema->root, doc, NULL);

    if (rc == NGX_DECLINED
        && (v.errors == NULL || v.steps > NGX_HTTP_API_SCHEMA_STEPS_MAX))
    {
        /* a failure nothing recorded must still answer with a reason */
        v.silent = 0;
        v.full = (v.errors != NULL
                  && v.errors->nelts == NGX_HTTP_API_SCHEMA_ERRORS_MAX);

        if (ngx_http_api_schema_fail(&v, schema->root, NULL, NULL,
                                     v.steps > NGX_HTTP_API_SCHEMA_STEPS_MAX
                                     ? "the document takes too many steps "
                                       "to check against the schema"
                                     : "the document does not match the "
                                       "schema")
            == NGX_ERROR)
        {
            return NGX_ERROR;
        }
    }

    *errors = v.errors;

    return rc;
}


static ngx_int_t
ngx_http_api_schema_check(ngx_http_api_schema_vctx_t *v,
    ngx_http_api_schema_node_t *s, json_t *inst, ngx_http_api_schema_at_t *at)
{
    size_t      i;
    ngx_int_t   rc, res;
    ngx_uint_t  flags, t;

    while (s->ref != NULL) {
        s = s->ref;
    }

    flags = s->flags;

    if (flags == 0) {
        return NGX_OK;
    }

    if (flags & NGX_HTTP_API_SCHEMA_F_FALSE) {
        return ngx_http_api_schema_fail(v, s, NULL, at,
                                        "no value is allowed here");
    }

    if (++v->steps > NGX_HTTP_API_SCHEMA_STEPS_MAX) {
        /* a schema exponential in the document: give up, invalid */
        v->full = 1;
        return NGX_DECLINED;
    }

    if (v->depth >= NGX_HTTP_API_SCHEMA_DEPTH_MAX) {
        return ngx_http_api_schema_fail(v, s, NULL, at,
                             "the schema nests too deeply for this document");
    }

    v->depth++;
    res = NGX_OK;

    if ((flags & NGX_HTTP_API_SCHEMA_F_TYPE)
        && !ngx_http_api_schema_is_type(s->types, inst))
    {
        t = s->types;
        rc = ngx_http_api_schema_fail(v, s, "type", at,
                           "must be of type%s%s%s%s%s%s%s",
                           (t & NGX_HTTP_API_SCHEMA_NULL) ? " null" : "",
                           (t & NGX_HTTP_API_SCHEMA_BOOLEAN) ? " boolean" : "",
                           (t & NGX_HTTP_API_SCHEMA_OBJECT) ? " object" : "",
                           (t & NGX_HTTP_API_SCHEMA_ARRAY) ? " array" : "",
                           (t & NGX_HTTP_API_SCHEMA_NUMBER) ? " number" : "",
                           (t & NGX_HTTP_API_SCHEMA_STRING) ? " string" : "",
                           (t & NGX_HTTP_API_SCHEMA_INTEGER) ? " integer" : "");
        ngx_http_api_schema_next(v, res, rc);
    }

    if (flags & NGX_HTTP_API_SCHEMA_F_ENUM) {
        for (i = 0; i < json_array_size(s->enumeration); i++) {
            if (ngx_http_api_schema_equal(inst,
                                          json_array_get(s->enumeration, i)))
            {
                break;
            }
        }

        if (i == json_array_size(s->enumeration)) {
            rc = ngx_http_api_schema_fail(v, s, "enum", at,
                                          "must be one of the values of enum");
            ngx_http_api_schema_next(v, res, rc);
        }
    }

    if ((flags & NGX_HTTP_API_SCHEMA_F_CONST)
        && !ngx_http_api_schema_equal(inst, s->constant))
    {
        rc = ngx_http_api_schema_fail(v, s, "const", at,
                                      "must equal the value of const");
        ngx_http_api_schema_next(v, res, rc);
    }

    if ((flags & NGX_HTTP_API_SCHEMA_F_NUMERIC) && json_is_number(inst)) {
        rc = ngx_http_api_schema_numeric(v, s, inst, at);
        ngx_http_api_schema_next(v, res, rc);
    }

    if ((flags & NGX_HTTP_API_SCHEMA_F_STR) && json_is_string(inst)) {
        rc = ngx_http_api_schema_string(v, s, inst, at);
        ngx_http_api_schema_next(v, res, rc);
    }

    if ((flags & NGX_HTTP_API_SCHEMA_F_ARR) && json_is_array(inst)) {
        rc = ngx_http_api_schema_array(v, s, inst, at);
        ngx_http_api_schema_next(v, res, rc);
    }

    if ((flags & NGX_HTTP_API_SCHEMA_F_OBJ) && json_is_object(inst)) {
        rc = ngx_http_api_schema_object(v, s, inst, at);
        ngx_http_api_schema_next(v, res, rc);
    }

    if (flags & NGX_HTTP_API_SCHEMA_F_LOGIC) {
        rc = ngx_http_api_schema_logic(v, s, inst, at);
        ngx_http_api_schema_next(v, res, rc);
    }

    v->depth--;

    return res;
}


/* the verdict alone: nothing is recorded, the first failure ends it */

static ngx_int_t
ngx_http_api_schema_silent(ngx_http_api_schema_vctx_t *v,
    ngx_http_api_schema_node_t *s, json_t *inst, ngx_http_api_schema_at_t *at)
{
    ngx_int_t   rc;
    ngx_uint_t  depth;

    depth = v->depth;
    v->silent++;

    rc = ngx_http_api_schema_check(v, s, inst, at);

    v->silent--;
    v->depth = depth;

    return rc;
}


static ngx_int_t
ngx_http_api_schema_numeric(ngx_http_api_schema_vctx_t *v,
    ngx_http_api_schema_node_t *s, json_t *inst, ngx_http_api_schema_at_t *at)
{
    ngx_int_t  rc, res;

    res = NGX_OK;

    if (s->minimum && ngx_http_api_schema_cmp(inst, s->minimum) < 0) {
        rc = ngx_http_api_schema_bound(v, s, "minimum", at, ">=", s->minimum);
        ngx_http_api_schema_next(v, res, rc);
    }

    if (s->maximum && ngx_http_api_schema_cmp(inst, s->maximum) > 0) {
        rc = ngx_http_api_schema_bound(v, s, "maximum", at, "<=", s->maximum);
        ngx_http_api_schema_next(v, res, rc);
    }

    if (s->exclusive_minimum
        && ngx_http_api_schema_cmp(inst, s->exclusive_minimum) <= 0)
    {
        rc = ngx_http_api_schema_bound(v, s, "exclusiveMinimum", at, ">",
                                       s->exclusive_minimum);
        ngx_http_api_schema_next(v, res, rc);
    }

    if (s->exclusive_maximum
        && ngx_http_api_schema_cmp(inst, s->exclusive_maximum) >= 0)
    {
        rc = ngx_http_api_schema_bound(v, s, "exclusiveMaximum", at, "<",
                                       s->exclusive_maximum);
        ngx_http_api_schema_next(v, res, rc);
    }

    if (s->multiple_of == NULL
        || ngx_http_api_schema_multiple(inst, s->multiple_of))
    {
        return res;
    }

    rc = ngx_http_api_schema_bound(v, s, "multipleOf", at, "a multiple of",
                                   s->multiple_of);
    ngx_http_api_schema_next(v, res, rc);

    return res;
}


static ngx_int_t
ngx_http_api_schema_string(ngx_http_api_schema_vctx_t *v,
    ngx_http_api_schema_node_t *s, json_t *inst, ngx_http_api_schema_at_t *at)
{
    u_char     *p, *last;
    size_t      len, n;
    ngx_int_t   rc, res;

    res = NGX_OK;
    p = (u_char *) json_string_value(inst);
    len = json_string_length(inst);

    if (s->min_length > 0 || s->max_length != NGX_MAX_SIZE_T_VALUE) {
        /* code points: every byte that does not continue a sequence */
        n = 0;

        for (last = p + len; p < last; p++) {
            n += ((*p & 0xc0) != 0x80);
        }

        p = (u_char *) json_string_value(inst);

        if (n < s->min_length) {
            rc = ngx_http_api_schema_fail(v, s, "minLength", at,
                                          "must be at least %uz characters",
                                          s->min_length);
            ngx_http_api_schema_next(v, res, rc);
        }

        if (n > s->max_length) {
            rc = ngx_http_api_schema_fail(v, s, "maxLength", at,
                                          "must be at most %uz characters",
                                          s->max_length);
            ngx_http_api_schema_next(v, res, rc);
        }
    }

    if (s->pattern != NULL
        && !ngx_http_api_schema_match(s->pattern, (char *) p, len))
    {
        rc = ngx_http_api_schema_fail(v, s, "pattern", at,
                                      "must match pattern");
        ngx_http_api_schema_next(v, res, rc);
    }

    if (s->format != NGX_HTTP_API_SCHEMA_FMT_NONE
        && !ngx_http_api_schema_format_check(s->format, p, len))
    {
        rc = ngx_http_api_schema_fail(v, s, "format", at,
                                      "must be a valid %V",
                                      ngx_http_api_schema_format_name(
                                          s->format));
        ngx_http_api_schema_next(v, res, rc);
    }

    return res;
}


static ngx_int_t
ngx_http_api_schema_array(ngx_http_api_schema_vctx_t *v,
    ngx_http_api_schema_node_t *s, json_t *inst, ngx_http_api_schema_at_t *at)
{
    size_t                        i, k, size;
    ngx_int_t                     rc, res;
    ngx_http_api_schema_at_t      item;
    ngx_http_api_schema_node_t   *sub, **tuple;

    res = NGX_OK;
    size = json_array_size(inst);

    if (size < s->min_items) {
        rc = ngx_http_api_schema_fail(v, s, "minItems", at,
                                      "must have at least %uz items",
                                      s->min_items);
        ngx_http_api_schema_next(v, res, rc);
    }

    if (size > s->max_items) {
        rc = ngx_http_api_schema_fail(v, s, "maxItems", at,
                                      "must have at most %uz items",
                                      s->max_items);
        ngx_http_api_schema_next(v, res, rc);
    }

    item.parent = at;
    item.key = NULL;

    tuple = s->tuple ? s->tuple->elts : NULL;

    for (i = 0; i < size; i++) {
        if (tuple != NULL) {
            sub = (i < s->tuple->nelts) ? tuple[i] : s->additional_items;

        } else {
            sub = s->items;
        }

        if (sub == NULL) {
            break;
        }

        item.len = i;

        rc = ngx_http_api_schema_check(v, sub, json_array_get(inst, i),
                                       &item);
        ngx_http_api_schema_next(v, res, rc);
    }

    if (s->contains != NULL) {
        rc = NGX_DECLINED;

        for (i = 0; i < size; i++) {
            item.len = i;

            rc = ngx_http_api_schema_silent(v, s->contains,
                                            json_array_get(inst, i), &item);
            if (rc != NGX_DECLINED) {
                break;
            }
        }

        if (i < size && rc == NGX_ERROR) {
            return NGX_ERROR;
        }

        if (i == size) {
            rc = ngx_http_api_schema_fail(v, s, "contains", at,
                                  "must have an item that matches contains");
            ngx_http_api_schema_next(v, res, rc);
        }
    }

    if (s->unique_items) {
        for (i = 1; i < size; i++) {
            for (k = 0; k < i; k++) {
                if (ngx_http_api_schema_equal(json_array_get(inst, i),
                                              json_array_get(inst, k)))
                {
                    item.len = i;

                    rc = ngx_http_api_schema_fail(v, s, "uniqueItems", &item,
                                                  "repeats item %uz", k);
                    ngx_http_api_schema_next(v, res, rc);

                    break;
                }
            }
        }
    }

    return res;
}


static ngx_int_t
ngx_http_api_schema_object(ngx_http_api_schema_vctx_t *v,
    ngx_http_api_schema_node_t *s, json_t *inst, ngx_http_api_schema_at_t *at)
{
    json_t                     *value;
    size_t                      size, i;
    ngx_int_t                   rc, res;
    ngx_str_t                  *name;
    ngx_http_api_schema_at_t    member;
    ngx_http_api_schema_prop_t *prop;

    res = NGX_OK;
    size = json_object_size(inst);

    if (size < s->min_properties) {
        rc = ngx_http_api_schema_fail(v, s, "minProperties", at,
                                      "must have at least %uz members",
                                      s->min_properties);
        ngx_http_api_schema_next(v, res, rc);
    }

    if (size > s->max_properties) {
        rc = ngx_http_api_schema_fail(v, s, "maxProperties", at,
                                      "must have at most %uz members",
                                      s->max_properties);
        ngx_http_api_schema_next(v, res, rc);
    }

    if (s->required != NULL) {
        name = s->required->elts;

        for (i = 0; i < s->required->nelts; i++) {
            if (json_object_getn(inst, (char *) name[i].data, name[i].len)
                == NULL)
            {
                rc = ngx_http_api_schema_fail(v, s, "required", at,
                                              "must have the member \"%V\"",
                                              &name[i]);
                ngx_http_api_schema_next(v, res, rc);
            }
        }
    }

    if (s->properties != NULL) {
        prop = s->properties->elts;
        member.parent = at;

        for (i = 0; i < s->properties->nelts; i++) {
            value = json_object_getn(inst, (char *) prop[i].name.data,
                                     prop[i].name.len);
            if (value == NULL) {
                continue;
            }

            member.key = (char *) prop[i].name.data;
            member.len = prop[i].name.len;

            rc = ngx_http_api_schema_check(v, prop[i].schema, value, &member);
            ngx_http_api_schema_next(v, res, rc);
        }
    }

    if (s->pattern_properties != NULL || s->additional_properties != NULL
        || s->property_names != NULL)
    {
        rc = ngx_http_api_schema_members(v, s, inst, at);
        ngx_http_api_schema_next(v, res, rc);
    }

    if (s->dependencies != NULL) {
        rc = ngx_http_api_schema_deps(v, s, inst, at);
        ngx_http_api_schema_next(v, res, rc);
    }

    return res;
}


/* what each member's name decides: patterns, additional, propertyNames */

static ngx_int_t
ngx_http_api_schema_members(ngx_http_api_schema_vctx_t *v,
    ngx_http_api_schema_node_t *s, json_t *inst, ngx_http_api_schema_at_t *at)
{
    json_t                         *value, *name;
    size_t                          len;
    ngx_int_t                       rc, res;
    ngx_uint_t                      i, matched;
    const char                     *key;
    ngx_http_api_schema_at_t        member;
    ngx_http_api_schema_pattern_t  *pat;

    res = NGX_OK;
    member.parent = at;

    json_object_keylen_foreach(inst, key, len, value) {
        member.key = key;
        member.len = len;
        matched = 0;

        if (s->pattern_properties != NULL) {
            pat = s->pattern_properties->elts;

            for (i = 0; i < s->pattern_properties->nelts; i++) {
                if (!ngx_http_api_schema_match(pat[i].regex, key, len)) {
                    continue;
                }

                matched = 1;

                rc = ngx_http_api_schema_check(v, pat[i].schema, value,
                                               &member);
                ngx_http_api_schema_next(v, res, rc);
            }
        }

        if (s->additional_properties != NULL && !matched
            && (s->properties_json == NULL
                || json_object_getn(s->properties_json, key, len) == NULL))
        {
            rc = ngx_http_api_schema_check(v, s->additional_properties,
                                           value, &member);
            ngx_http_api_schema_next(v, res, rc);
        }

        if (s->property_names != NULL) {
            name = json_stringn_nocheck(key, len);
            if (name == NULL) {
                return NGX_ERROR;
            }

            rc = ngx_http_api_schema_check(v, s->property_names, name,
                                           &member);
            json_decref(name);
            ngx_http_api_schema_next(v, res, rc);
        }
    }

    return res;
}


static ngx_int_t
ngx_http_api_schema_deps(ngx_http_api_schema_vctx_t *v,
    ngx_http_api_schema_node_t *s, json_t *inst, ngx_http_api_schema_at_t *at)
{
    ngx_int_t                   rc, res;
    ngx_str_t                  *name;
    ngx_uint_t                  i, k;
    ngx_http_api_schema_dep_t  *dep;

    res = NGX_OK;
    dep = s->dependencies->elts;

    for (i = 0; i < s->dependencies->nelts; i++) {
        if (json_object_getn(inst, (char *) dep[i].name.data,
                             dep[i].name.len)
            == NULL)
        {
            continue;
        }

        if (dep[i].schema != NULL) {
            rc = ngx_http_api_schema_check(v, dep[i].schema, inst, at);
            ngx_http_api_schema_next(v, res, rc);
            continue;
        }

        name = dep[i].required->elts;

        for (k = 0; k < dep[i].required->nelts; k++) {
            if (json_object_getn(inst, (char *) name[k].data, name[k].len)
                == NULL)
            {
                rc = ngx_http_api_schema_fail(v, s, "dependencies", at,
                                 "must have the member \"%V\" with \"%V\"",
                                 &name[k], &dep[i].name);
                ngx_http_api_schema_next(v, res, rc);
            }
        }
    }

    return res;
}


static ngx_int_t
ngx_http_api_schema_logic(ngx_http_api_schema_vctx_t *v,
    ngx_http_api_schema_node_t *s, json_t *inst, ngx_http_api_schema_at_t *at)
{
    ngx_int_t                     rc, res;
    ngx_uint_t                    i, n;
    ngx_http_api_schema_node_t  **sub;

    res = NGX_OK;

    if (s->all_of != NULL) {
        sub = s->all_of->elts;

        for (i = 0; i < s->all_of->nelts; i++) {
            rc = ngx_http_api_schema_check(v, sub[i], inst, at);
            ngx_http_api_schema_next(v, res, rc);
        }
    }

    if (s->any_of != NULL) {
        sub = s->any_of->elts;
        rc = NGX_DECLINED;

        for (i = 0; i < s->any_of->nelts && rc == NGX_DECLINED; i++) {
            rc = ngx_http_api_schema_silent(v, sub[i], inst, at);
        }

        if (rc == NGX_DECLINED) {
            rc = ngx_http_api_schema_fail(v, s, "anyOf", at,
                                   "must match at least one schema of anyOf");
        }

        ngx_http_api_schema_next(v, res, rc);
    }

    if (s->one_of != NULL) {
        sub = s->one_of->elts;
        n = 0;

        for (i = 0; i < s->one_of->nelts && n < 2; i++) {
            rc = ngx_http_api_schema_silent(v, sub[i], inst, at);

            if (rc == NGX_ERROR) {
                return NGX_ERROR;
            }

            n += (rc == NGX_OK);
        }

        if (n != 1) {
            rc = ngx_http_api_schema_fail(v, s, "oneOf", at,
                                          n ? "must match only one schema "
                                              "of oneOf, not more"
                                            : "must match one schema of "
                                              "oneOf");
            ngx_http_api_schema_next(v, res, rc);
        }
    }

    if (s->not != NULL) {
        rc = ngx_http_api_schema_silent(v, s->not, inst, at);

        if (rc == NGX_OK) {
            rc = ngx_http_api_schema_fail(v, s, "not", at,
                                          "must not match the schema of not");

        } else if (rc == NGX_DECLINED) {
            rc = NGX_OK;
        }

        ngx_http_api_schema_next(v, res, rc);
    }

    if (s->if_ != NULL && (s->then != NULL || s->else_ != NULL)) {
        rc = ngx_http_api_schema_silent(v, s->if_, inst, at);

        if (rc == NGX_ERROR) {
            return NGX_ERROR;
        }

        sub = (rc == NGX_OK) ? &s->then : &s->else_;

        if (*sub != NULL) {
            rc = ngx_http_api_schema_check(v, *sub, inst, at);
            ngx_http_api_schema_next(v, res, rc);
        }
    }

    return res;
}


static ngx_uint_t
ngx_http_api_schema_match(ngx_regex_t *re, const char *p, size_t len)
{
    ngx_str_t  s;

    s.data = (u_char *) p;
    s.len = len;

    /* no match, or a match error (none for jansson's valid UTF-8) */
    return ngx_regex_exec(re, &s, NULL, 0) >= 0;
}


/* "must be <op> <bound>", the bound as the schema has it, near enough */

static ngx_int_t
ngx_http_api_schema_bound(ngx_http_api_schema_vctx_t *v,
    ngx_http_api_schema_node_t *s, const char *kw,
    ngx_http_api_schema_at_t *at, const char *op, json_t *bound)
{
    char  num[64];

    if (json_is_integer(bound)) {
        snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
                 json_integer_value(bound));

    } else {
        snprintf(num, sizeof(num), "%.15g", json_real_value(bound));
    }

    return ngx_http_api_schema_fail(v, s, kw, at, "must be %s %s", op, num);
}


/*
 * Records an error (unless silent or full) and returns NGX_DECLINED, or
 * NGX_ERROR when the pool is out of memory.
 */

static ngx_int_t
ngx_http_api_schema_fail(ngx_http_api_schema_vctx_t *v,
    ngx_http_api_schema_node_t *s, const char *kw,
    ngx_http_api_schema_at_t *at, const char *fmt, ...)
{
    u_char                       *p, msg[256];
    size_t                        len, i;
    va_list                       args;
    ngx_http_api_schema_at_t     *a;
    ngx_http_api_schema_error_t  *e;

    if (v->silent || v->full) {
        return NGX_DECLINED;
    }

    if (v->errors == NULL) {
        v->errors = ngx_array_create(v->pool, 4,
                                     sizeof(ngx_http_api_schema_error_t));
        if (v->errors == NULL) {
            return NGX_ERROR;
        }
    }

    e = ngx_array_push(v->errors);
    if (e == NULL) {
        return NGX_ERROR;
    }

    if (v->errors->nelts == NGX_HTTP_API_SCHEMA_ERRORS_MAX) {
        v->full = 1;
    }

    va_start(args, fmt);
    p = ngx_vslprintf(msg, msg + sizeof(msg), fmt, args);
    va_end(args);

    if (p == msg + sizeof(msg)) {
        /* cut short: not inside a UTF-8 sequence (a name may be long) */
        while (p > msg && (p[-1] & 0xc0) == 0x80) {
            p--;
        }

        if (p > msg && (p[-1] & 0x80)) {
            p--;
        }
    }

    e->message.len = p - msg;
    e->message.data = ngx_pnalloc(v->pool, e->message.len + 1);
    if (e->message.data == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(e->message.data, msg, e->message.len);

    /* the schema pointer: the node's, and the keyword */

    len = s->path.len + (kw ? 1 + ngx_strlen(kw) : 0);
    p = ngx_pnalloc(v->pool, len + 1);
    if (p == NULL) {
        return NGX_ERROR;
    }

    e->schema.data = p;
    e->schema.len = len;
    p = ngx_cpymem(p, s->path.data, s->path.len);

    if (kw != NULL) {
        *p++ = '/';
        p = ngx_cpymem(p, kw, ngx_strlen(kw));
    }

    /* the instance pointer, written backwards from the innermost step */

    len = 0;

    for (a = at; a != NULL; a = a->parent) {
        if (a->key == NULL) {
            len += 1 + NGX_SIZE_T_LEN;
            continue;
        }

        len += 1 + a->len;

        for (i = 0; i < a->len; i++) {
            len += (a->key[i] == '~' || a->key[i] == '/');
        }
    }

    p = ngx_pnalloc(v->pool, len + 1);
    if (p == NULL) {
        return NGX_ERROR;
    }

    e->instance.data = p;
    p += len;

    for (a = at; a != NULL; a = a->parent) {
        if (a->key == NULL) {
            i = a->len;

            do {
                *--p = (u_char) ('0' + i % 10);
                i /= 10;
            } while (i);

        } else {
            for (i = a->len; i > 0; i--) {
                if (a->key[i - 1] == '~' || a->key[i - 1] == '/') {
                    *--p = (a->key[i - 1] == '~') ? '0' : '1';
                    *--p = '~';

                } else {
                    *--p = a->key[i - 1];
                }
            }
        }

        *--p = '/';
    }

    /* index digits take less than their bound: move the pointer down */

    e->instance.len = e->instance.data + len - p;
    ngx_memmove(e->instance.data, p, e->instance.len);

    return NGX_DECLINED;
}
