package dev.streetnum.serve;

import dev.streetnum.model.AcceptanceThreshold;
import dev.streetnum.model.EnsembleScore;
import dev.streetnum.model.ReadingPaths;
import dev.streetnum.onnx.Engine;
import java.util.List;
import java.util.Locale;

/**
 * How the transcription service behaves: what it answers with, how it batches, and what it refuses.
 *
 * @param modelId           the model's id, in every answer and in the v2 model path
 * @param threshold         answers with P(S|x) below this are refused (DESIGN section 7); answers read
 *                          without a box given are judged by its no-box threshold
 * @param maxBatch          most images the worker hands the model at once
 * @param maxDelayMs        longest the first image of a batch waits for company before the batch runs
 * @param queueCapacity     images waiting for the worker before new requests get 503; also the most
 *                          images one call may carry (413 beyond: such a call could never be queued)
 * @param requestTimeoutMs  longest a request waits for its answer before it gets 503, and longest its
 *                          connection may stay idle (a stalled body is dropped)
 * @param maxBodyBytes      largest request body accepted (413 beyond)
 * @param maxPixels         largest image, width x height, read from its header before decoding (413
 *                          beyond): a small compressed file can inflate to gigabytes
 * @param maxImagesPerCall  most images one batch or v2 infer call may carry (413 beyond)
 * @param shutdownGraceMs   how long stopping waits for in-flight requests to be answered
 * @param allowedHosts      host names a request's {@code Host} and {@code Origin} may name (403 otherwise),
 *                          lower case, without port; {@link #ANY_HOST} allows any. A browser page from
 *                          another site (a cross-site form post, DNS rebinding) then cannot use a service
 *                          that listens on loopback.
 * @param boxScore          what an answer's confidence is for a caller's box ({@link EnsembleScore}: the
 *                          model's P(S|x), or its networks' agreement), reported beside the thresholds
 * @param noBoxScore        the same for a photo sent without a box
 * @param engine            what the model runs on, as {@code --engine} names it; the v2 model metadata's
 *                          platform
 */
public record ServeConfig(
        String modelId,
        AcceptanceThreshold threshold,
        int maxBatch,
        int maxDelayMs,
        int queueCapacity,
        int requestTimeoutMs,
        long maxBodyBytes,
        long maxPixels,
        int maxImagesPerCall,
        int shutdownGraceMs,
        List<String> allowedHosts,
        EnsembleScore boxScore,
        EnsembleScore noBoxScore,
        Engine engine) {

    public static final int DEFAULT_MAX_BATCH = 32;
    public static final int DEFAULT_MAX_DELAY_MS = 5;
    public static final int DEFAULT_QUEUE_CAPACITY = 1024;
    public static final int DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
    /** 16 MiB: a large phone photo is 5-10 MiB. */
    public static final long DEFAULT_MAX_BODY_BYTES = 16L << 20;
    /** 40 megapixels: above any phone camera, far below what would exhaust memory when decoded. */
    public static final long DEFAULT_MAX_PIXELS = 40_000_000L;
    public static final int DEFAULT_MAX_IMAGES_PER_CALL = 256;
    public static final int DEFAULT_SHUTDOWN_GRACE_MS = 10_000;
    /** The names of this machine's loopback interface, allowed unless the list is replaced. */
    public static final List<String> LOOPBACK_HOSTS = List.of("localhost", "127.0.0.1", "[::1]");
    /** In {@link #allowedHosts}: any host may be named. */
    public static final String ANY_HOST = "*";

    public ServeConfig {
        if (modelId == null || modelId.isBlank()) {
            throw new IllegalArgumentException("the service needs a model id to report in its answers");
        }
        if (threshold == null) {
            throw new IllegalArgumentException("the service needs a threshold to judge answers by");
        }
        requirePositive("maxBatch", maxBatch);
        if (maxDelayMs < 0) {
            throw new IllegalArgumentException("maxDelayMs cannot be negative, got " + maxDelayMs);
        }
        requirePositive("queueCapacity", queueCapacity);
        requirePositive("requestTimeoutMs", requestTimeoutMs);
        requirePositive("maxBodyBytes", maxBodyBytes);
        requirePositive("maxPixels", maxPixels);
        requirePositive("maxImagesPerCall", maxImagesPerCall);
        if (shutdownGraceMs < 0) {
            throw new IllegalArgumentException("shutdownGraceMs cannot be negative, got " + shutdownGraceMs);
        }
        if (allowedHosts == null || allowedHosts.isEmpty()) {
            throw new IllegalArgumentException("allowedHosts needs at least one host name (or " + ANY_HOST + ")");
        }
        allowedHosts = allowedHosts.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).distinct().toList();
        if (boxScore == null || noBoxScore == null) {
            throw new IllegalArgumentException("the service needs to know how each path's answers are scored");
        }
        if (engine == null) {
            throw new IllegalArgumentException("the service needs to know which engine runs its model");
        }
    }

    /** The defaults above for a model and one threshold for every answer. */
    public static ServeConfig defaults(String modelId, double threshold) {
        return defaults(modelId, AcceptanceThreshold.of(threshold));
    }

    /** The defaults above for a model and its thresholds, on {@code --engine}'s default engine. */
    public static ServeConfig defaults(String modelId, AcceptanceThreshold threshold) {
        return new ServeConfig(modelId, threshold, DEFAULT_MAX_BATCH, DEFAULT_MAX_DELAY_MS,
                DEFAULT_QUEUE_CAPACITY, DEFAULT_REQUEST_TIMEOUT_MS, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_PIXELS,
                DEFAULT_MAX_IMAGES_PER_CALL, DEFAULT_SHUTDOWN_GRACE_MS, LOOPBACK_HOSTS, EnsembleScore.MEAN_HEADS,
                EnsembleScore.MEAN_HEADS, Engine.parse(Engine.DEFAULT));
    }

    public ServeConfig withBatching(int maxBatch, int maxDelayMs) {
        return new ServeConfig(modelId, threshold, maxBatch, maxDelayMs, queueCapacity, requestTimeoutMs,
                maxBodyBytes, maxPixels, maxImagesPerCall, shutdownGraceMs, allowedHosts, boxScore, noBoxScore, engine);
    }

    public ServeConfig withLimits(int queueCapacity, int requestTimeoutMs, long maxBodyBytes, long maxPixels) {
        return new ServeConfig(modelId, threshold, maxBatch, maxDelayMs, queueCapacity, requestTimeoutMs,
                maxBodyBytes, maxPixels, maxImagesPerCall, shutdownGraceMs, allowedHosts, boxScore, noBoxScore, engine);
    }

    public ServeConfig withAllowedHosts(List<String> allowedHosts) {
        return new ServeConfig(modelId, threshold, maxBatch, maxDelayMs, queueCapacity, requestTimeoutMs,
                maxBodyBytes, maxPixels, maxImagesPerCall, shutdownGraceMs, allowedHosts, boxScore, noBoxScore, engine);
    }

    /** How the model scores each path's answers ({@link ReadingPaths#score}), as its reading paths say. */
    public ServeConfig withScores(ReadingPaths paths) {
        return new ServeConfig(modelId, threshold, maxBatch, maxDelayMs, queueCapacity, requestTimeoutMs,
                maxBodyBytes, maxPixels, maxImagesPerCall, shutdownGraceMs, allowedHosts, paths.score(true),
                paths.score(false), engine);
    }

    /** The engine the model runs on ({@code --engine}). */
    public ServeConfig withEngine(Engine engine) {
        return new ServeConfig(modelId, threshold, maxBatch, maxDelayMs, queueCapacity, requestTimeoutMs,
                maxBodyBytes, maxPixels, maxImagesPerCall, shutdownGraceMs, allowedHosts, boxScore, noBoxScore, engine);
    }

    /** Whether a request may name {@code host} (lower case, no port) in its Host or Origin header. */
    public boolean allowsHost(String host) {
        return allowedHosts.contains(ANY_HOST) || allowedHosts.contains(host);
    }

    private static void requirePositive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}
