package dev.tollgate.model;

/** A function the model may call; {@code parametersJson} is its JSON Schema as text. */
public record ToolDefinition(String name, String description, String parametersJson) {
}
