/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>

#include "ctl/ctl-json.h"
#include "shared/time-util.h"

int ctl_json_print(json_object *o) {
        const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
                                                             JSON_C_TO_STRING_SPACED |
                                                             JSON_C_TO_STRING_NOSLASHESCAPE);

        if (!text)
                return -ENOMEM;
        puts(text);
        return 0;
}

int ctl_json_add_string(json_object *o, const char *key, const char *value) {
        return json_object_object_add(o, key, value ? json_object_new_string(value) : NULL) < 0 ? -ENOMEM : 0;
}

int ctl_json_add_uint(json_object *o, const char *key, uint64_t value) {
        return json_object_object_add(o, key, json_object_new_uint64(value)) < 0 ? -ENOMEM : 0;
}

int ctl_json_add_time(json_object *o, const char *key, usec_t t, const char *zone) {
        _cleanup_free_ char *key_usec = NULL;
        char buf[ISO8601_MAX];
        json_object *v = NULL;

        if (t > 0 && time_format_iso8601(t, zone, buf) >= 0) {
                v = json_object_new_string(buf);
                if (!v)
                        return -ENOMEM;
        }
        if (json_object_object_add(o, key, v) < 0 || asprintf(&key_usec, "%s_usec", key) < 0)
                return -ENOMEM;
        return json_object_object_add(o, key_usec, t > 0 ? json_object_new_uint64(t) : NULL) < 0 ? -ENOMEM : 0;
}

int ctl_json_add_object(json_object *o, const char *key, json_object *value) {
        if (json_object_object_add(o, key, json_object_get(value)) < 0) {
                json_object_put(value);
                return -ENOMEM;
        }
        return 0;
}
