/* A small strict JSON reader for the package metadata (RFC 8259 subset large enough for PSPF JSON). */
#include "json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define MAX_DEPTH 64

typedef struct {
  const char *p, *end;
  const char *err;
} parser;

static jval *parse_value(parser *ps, int depth);

static void skip_ws(parser *ps) {
  while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')) ps->p++;
}

static jval *new_val(jtype t) {
  jval *v = xmalloc(sizeof *v);
  memset(v, 0, sizeof *v);
  v->t = t;
  return v;
}

static int hex4(parser *ps, unsigned *out) {
  if (ps->end - ps->p < 4) return 0;
  unsigned v = 0;
  for (int i = 0; i < 4; i++) {
    char c = ps->p[i];
    v <<= 4;
    if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
    else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
    else return 0;
  }
  ps->p += 4;
  *out = v;
  return 1;
}

static size_t put_utf8(char *o, unsigned cp) {
  if (cp < 0x80) return o[0] = (char)cp, 1;
  if (cp < 0x800) return o[0] = (char)(0xC0 | cp >> 6), o[1] = (char)(0x80 | (cp & 0x3F)), 2;
  if (cp < 0x10000) {
    o[0] = (char)(0xE0 | cp >> 12), o[1] = (char)(0x80 | ((cp >> 6) & 0x3F)), o[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  o[0] = (char)(0xF0 | cp >> 18), o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  o[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), o[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

/* Decodes one escape after the backslash; the output never grows beyond the input length. */
static int parse_escape(parser *ps, char *out, size_t *len) {
  char c = *ps->p++;
  const char *simple = "\"\\/bfnrt", *mapped = "\"\\/\b\f\n\r\t";
  const char *hit = c ? strchr(simple, c) : NULL;
  if (hit) return out[(*len)++] = mapped[hit - simple], 1;
  unsigned cp, lo;
  if (c != 'u' || !hex4(ps, &cp)) return 0;
  if (cp >= 0xD800 && cp < 0xDC00) {
    if (ps->end - ps->p < 6 || ps->p[0] != '\\' || ps->p[1] != 'u') return 0;
    ps->p += 2;
    if (!hex4(ps, &lo) || lo < 0xDC00 || lo > 0xDFFF) return 0;
    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
  } else if (cp >= 0xDC00 && cp < 0xE000) {
    return 0;
  }
  if (cp == 0) return 0; /* NUL would truncate C strings: refuse */
  *len += put_utf8(out + *len, cp);
  return 1;
}

static char *parse_string(parser *ps) {
  ps->p++; /* opening quote */
  const char *start = ps->p;
  size_t cap = 0;
  while (ps->p < ps->end && *ps->p != '"') {
    if (*ps->p == '\\') ps->p++;
    ps->p++, cap++;
  }
  if (ps->p >= ps->end) return ps->err = "unterminated string", NULL;
  char *out = xmalloc((size_t)(ps->p - start) + 1);
  size_t len = 0;
  ps->p = start;
  while (*ps->p != '"') {
    unsigned char c = (unsigned char)*ps->p;
    if (c < 0x20) return free(out), ps->err = "control character in string", NULL;
    if (c == '\\') {
      ps->p++;
      if (!parse_escape(ps, out, &len)) return free(out), ps->err = "bad string escape", NULL;
      continue;
    }
    out[len++] = (char)c;
    ps->p++;
  }
  ps->p++;
  out[len] = 0;
  (void)cap;
  return out;
}

static jval *parse_container(parser *ps, int depth, int is_obj) {
  jval *v = new_val(is_obj ? J_OBJ : J_ARR);
  size_t cap = 0;
  ps->p++;
  skip_ws(ps);
  if (ps->p < ps->end && *ps->p == (is_obj ? '}' : ']')) return ps->p++, v;
  for (;;) {
    char *key = NULL;
    skip_ws(ps);
    if (is_obj) {
      if (ps->p >= ps->end || *ps->p != '"') return ps->err = "expected object key", NULL;
      if (!(key = parse_string(ps))) return NULL;
      skip_ws(ps);
      if (ps->p >= ps->end || *ps->p != ':') return ps->err = "expected ':'", NULL;
      ps->p++;
    }
    jval *item = parse_value(ps, depth + 1);
    if (!item) return NULL;
    if (v->n == cap) {
      cap = cap ? cap * 2 : 8;
      v->items = xrealloc(v->items, cap * sizeof *v->items);
      if (is_obj) v->keys = xrealloc(v->keys, cap * sizeof *v->keys);
    }
    if (is_obj) v->keys[v->n] = key;
    v->items[v->n++] = item;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == ',') { ps->p++; continue; }
    if (ps->p < ps->end && *ps->p == (is_obj ? '}' : ']')) return ps->p++, v;
    return ps->err = is_obj ? "expected ',' or '}'" : "expected ',' or ']'", NULL;
  }
}

static jval *parse_number(parser *ps) {
  const char *s = ps->p;
  if (ps->p < ps->end && *ps->p == '-') ps->p++;
  while (ps->p < ps->end && strchr("0123456789.eE+-", *ps->p)) ps->p++;
  size_t n = (size_t)(ps->p - s);
  if (n == 0 || n > 64) return ps->err = "bad number", NULL;
  char tmp[65], *endp;
  memcpy(tmp, s, n);
  tmp[n] = 0;
  jval *v = new_val(J_NUM);
  v->num = strtod(tmp, &endp);
  if (*endp) return ps->err = "bad number", NULL;
  return v;
}

static jval *parse_word(parser *ps, const char *word, jtype t, int b) {
  size_t n = strlen(word);
  if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n)) return ps->err = "unexpected token", NULL;
  ps->p += n;
  jval *v = new_val(t);
  v->b = b;
  return v;
}

static jval *parse_value(parser *ps, int depth) {
  if (depth > MAX_DEPTH) return ps->err = "nesting too deep", NULL;
  skip_ws(ps);
  if (ps->p >= ps->end) return ps->err = "unexpected end of JSON", NULL;
  switch (*ps->p) {
    case '{': return parse_container(ps, depth, 1);
    case '[': return parse_container(ps, depth, 0);
    case '"': {
      char *s = parse_string(ps);
      if (!s) return NULL;
      jval *v = new_val(J_STR);
      v->s = s;
      return v;
    }
    case 't': return parse_word(ps, "true", J_BOOL, 1);
    case 'f': return parse_word(ps, "false", J_BOOL, 0);
    case 'n': return parse_word(ps, "null", J_NULL, 0);
    default: return parse_number(ps);
  }
}

jval *json_parse(const char *buf, size_t len, char *err, size_t errlen) {
  parser ps = {buf, buf + len, NULL};
  jval *v = parse_value(&ps, 0);
  if (v) {
    skip_ws(&ps);
    if (ps.p != ps.end) v = NULL, ps.err = "trailing data after JSON";
  }
  if (!v) snprintf(err, errlen, "%s at byte %zu", ps.err ? ps.err : "invalid JSON", (size_t)(ps.p - buf));
  return v;
}

const jval *json_get(const jval *obj, const char *key) {
  if (!obj || obj->t != J_OBJ) return NULL;
  /* the last of duplicate keys wins, as in JavaScript's JSON.parse (what `cogpack pspf verify` reads) */
  for (size_t i = obj->n; i-- > 0;)
    if (!strcmp(obj->keys[i], key)) return obj->items[i];
  return NULL;
}

const char *json_str(const jval *v) { return v && v->t == J_STR ? v->s : NULL; }

const char *json_get_str(const jval *obj, const char *key) { return json_str(json_get(obj, key)); }
