/**
 * The service interface of the semantic cache tier, which lives in its own module ({@code tollgate-semantic})
 * so the gateway stays lean and runs without it.
 *
 * <p>The gateway finds an implementation with {@link SemanticCacheProvider#load()} (a
 * {@link java.util.ServiceLoader} lookup that loads no model); the cache stage then opens a
 * {@link SemanticIndex} only when the semantic tier is enabled, which is when the embedding model is loaded.
 * Everything an index stores belongs to one {@link SemanticNamespace}: a lookup never sees an entry of another
 * namespace, hence never of another org or model.
 */
package dev.tollgate.policy.cache.semantic;
