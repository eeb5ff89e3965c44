package dev.tollgate.model;

import java.util.Locale;

/** Who speaks a message. {@code DEVELOPER} is OpenAI's newer name for a system prompt. */
public enum Role {
    SYSTEM, DEVELOPER, USER, ASSISTANT, TOOL, FUNCTION;

    /** Returns the role for an OpenAI role string, or {@code null} when there is none of that name. */
    public static Role fromWire(String text) {
        for (Role role : values()) {
            if (role.wireName().equals(text)) {
                return role;
            }
        }
        return null;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
