/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The terminal a chart is drawn on: how wide it is, and how many of its
 * columns a text takes (block characters one, CJK and emoji two,
 * combining marks none). */

#include <stddef.h>

/* The width of the terminal on fd in columns: its window size
 * (TIOCGWINSZ) when fd is a terminal that knows it, else $COLUMNS when it
 * is a whole number from 1 to 10000, else 80. */
unsigned term_width(int fd);

/* The columns UTF-8 text s takes on a terminal, as wcwidth(3) counts
 * them in a UTF-8 locale whatever the process's locale: a byte that is no
 * UTF-8 counts one, control characters none. */
size_t term_text_width(const char *s);

/* A copy of s that takes at most width columns: s itself when it fits,
 * else as much of it as fits with "…" (one column) after it; "" for
 * width 0. Returns 0 or -ENOMEM. */
int term_truncate(const char *s, size_t width, char **ret);
