package dev.tollgate.model;

/** A function call the assistant made; {@code arguments} is the JSON text as the model wrote it. */
public record ToolCall(String id, String name, String arguments) {
}
