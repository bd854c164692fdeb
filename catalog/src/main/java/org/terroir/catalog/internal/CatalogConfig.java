package org.terroir.catalog.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Settings of the catalog bundle (PID {@value #PID}); empty values follow the Hub's own variables. */
@ObjectClassDefinition(name = "Terroir catalog", description = "Hugging Face Hub access, downloads and model library")
public @interface CatalogConfig {
    String PID = "org.terroir.catalog";

    @AttributeDefinition(description = "Hub base URL; empty: HF_ENDPOINT, else https://huggingface.co")
    String endpoint() default "";

    @AttributeDefinition(description = "Access token for gated and private repositories; empty: HF_TOKEN",
            type = org.osgi.service.metatype.annotations.AttributeType.PASSWORD)
    String token() default "";

    @AttributeDefinition(description = "HTTP proxy host; empty: no proxy")
    String proxy_host() default "";

    @AttributeDefinition(description = "HTTP proxy port")
    int proxy_port() default 3128;

    @AttributeDefinition(description = "Seconds to open a connection")
    int connect_timeout_s() default 10;

    @AttributeDefinition(description = "Seconds to wait for an answer, and for the next bytes of a download")
    int read_timeout_s() default 30;

    @AttributeDefinition(description = "Retries of a failed download or a rate-limited request")
    int retries() default 8;

    @AttributeDefinition(description = "First retry delay in milliseconds, doubled at each retry")
    int retry_base_ms() default 1000;

    @AttributeDefinition(description = "Downloads at once; more wait in a queue")
    int max_concurrent_downloads() default 2;

    @AttributeDefinition(description = "Free disk space to keep on top of a download, in MB")
    long disk_margin_mb() default 512;

    @AttributeDefinition(description = "Use models already downloaded by LM Studio, the Hugging Face cache and Ollama")
    boolean scan_other_tools() default true;

    @AttributeDefinition(description = "Folder of the model library, where downloads go (an absolute path); empty: "
            + "TERROIR_HOME/models. Models already in the former folder stay there, and downloads under way stop "
            + "(their .part files are kept for the next pull).")
    String models_folder() default "";
}
