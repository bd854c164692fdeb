package org.terroir.backend.llamacpp.internal;

import java.lang.reflect.Proxy;
import java.util.Map;

/** A {@link LlamaCppConfig} with its declared defaults, some of them overridden, as ConfigAdmin would give it. */
final class TestConfig {
    private TestConfig() {
    }

    static LlamaCppConfig defaults() {
        return with(Map.of());
    }

    static LlamaCppConfig with(Map<String, Object> overrides) {
        return (LlamaCppConfig) Proxy.newProxyInstance(LlamaCppConfig.class.getClassLoader(),
                new Class<?>[] {LlamaCppConfig.class}, (proxy, method, args) -> {
                    if (method.getName().equals("annotationType")) {
                        return LlamaCppConfig.class;
                    }
                    if (overrides.containsKey(method.getName())) {
                        return overrides.get(method.getName());
                    }
                    Object value = method.getDefaultValue();
                    if (value == null) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    return value;
                });
    }
}
