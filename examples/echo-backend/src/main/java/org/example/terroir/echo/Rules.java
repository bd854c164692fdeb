package org.example.terroir.echo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The rules of a {@code .rules} file: {@code keyword => answer}, {@code * => answer} for anything else. */
record Rules(List<Rule> rules, String fallback) {
    record Rule(String keyword, String answer) {
    }

    static Rules parse(List<String> lines) {
        List<Rule> rules = new ArrayList<>();
        String fallback = null;
        for (String line : lines) {
            String text = line.strip();
            int arrow = text.indexOf("=>");
            if (text.isEmpty() || text.startsWith("#") || arrow <= 0) {
                continue;
            }
            String keyword = text.substring(0, arrow).strip().toLowerCase(Locale.ROOT);
            String answer = text.substring(arrow + 2).strip();
            if (keyword.equals("*")) {
                fallback = answer;
            } else if (!keyword.isEmpty() && !answer.isEmpty()) {
                rules.add(new Rule(keyword, answer));
            }
        }
        return new Rules(List.copyOf(rules), fallback);
    }

    /** The answer to {@code message}: the first matching rule's, the fallback, or the message itself. */
    String answer(String message) {
        String lower = message.toLowerCase(Locale.ROOT);
        for (Rule rule : rules) {
            if (lower.contains(rule.keyword())) {
                return rule.answer();
            }
        }
        return fallback != null ? fallback : message;
    }
}
