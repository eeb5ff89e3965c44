package dev.tollgate.sdk;

/**
 * An application that uses the generic form only, run by {@link OptionalDependenciesTest} with nothing
 * but the SDK's own classes on its class path: no provider SDK, no JSON library.
 */
public final class CoreOnlyApp {

    private CoreOnlyApp() {
    }

    public static void main(String[] args) {
        TollgateConfig config = TollgateConfig.builder().apiUrl(args[0]).apiKey("tg-core-only").shutdownHook(true).build();
        TrackedCompletion tollgate = TrackedCompletion.create(config);
        String answer = tollgate.track(CallSpec.of("mistral", "mistral-small").tagged(CallTags.agent("core-only")), () -> "42",
                a -> TokenUsage.of(7, 2));
        System.out.println("answer " + answer + " on Java " + System.getProperty("java.version"));
        // No close() and no flush(): the shutdown hook delivers the event as the JVM exits.
    }
}
