package dev.tollgate.usage;

import dev.tollgate.pipeline.PipelineListener;

/**
 * A forbidden import on purpose: {@code usage} reaching up into {@code pipeline}. Only ArchitectureTest
 * imports it, to prove that the layering, cycle and usage rules fail on such a dependency.
 */
final class ArchitectureViolationSample implements PipelineListener {
}
