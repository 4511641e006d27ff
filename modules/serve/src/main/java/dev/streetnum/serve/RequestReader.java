package dev.streetnum.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.streetnum.data.Box;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads the images out of a request, whatever form the client chose (raw PNG/JPEG body, multipart
 * upload, JSON with base64, Open Inference Protocol v2 tensors), and names the problem when it
 * cannot: 415 for a content type it does not take, 400 for malformed JSON, base64 or boxes.
 */
final class RequestReader {

    static final String PNG = "image/png";
    static final String JPEG = "image/jpeg";
    static final String JSON = "application/json";
    static final String MULTIPART = "multipart/form-data";
    /** The field or JSON key that carries an image, and the one that carries its detector box. */
    static final String IMAGE_FIELD = "image";
    static final String BOX_FIELD = "box";
    /** The query parameter that asks for an {@link Explanation} with the answer. */
    static final String EXPLAIN = "explain";
    /** The v2 input tensor of encoded images. */
    static final String V2_INPUT = "image";
    static final String V2_BYTES = "BYTES";
    /** The optional v2 input tensor of detector boxes, one row of left, top, width, height per image. */
    static final String V2_BOX = "box";
    static final String V2_BOX_TYPE = "INT32";
    /** A box tensor may also come as INT64 (what a detector written in Python often sends). */
    private static final List<String> V2_BOX_TYPES = List.of(V2_BOX_TYPE, "INT64");
    private static final int BOX_SIDES = 4;
    /**
     * The query parameters each route that reads images takes; any other is refused, not ignored, so a
     * misspelt or misplaced one is noticed rather than silently changing nothing. {@code explain} is
     * taken on one image only: an explanation keeps the decoded photo until the model has answered (the
     * localizer may choose its region), and a batch ({@link ServeConfig#maxImagesPerCall} photos of up to
     * {@link ServeConfig#maxPixels} each) would hold all of them at once, where the batch route's memory is
     * bounded by holding crops, not photos.
     */
    static final Map<String, List<String>> QUERY_PARAMETERS = Map.of(
            TranscriptionApp.TRANSCRIBE, List.of(BOX_FIELD, EXPLAIN),
            TranscriptionApp.TRANSCRIBE_BATCH, List.of(BOX_FIELD),
            OpenInferenceProtocol.INFER, List.of(),
            OpenInferenceProtocol.VERSION_INFER, List.of());

    private static final String DATA_URL = "data:";
    /** How Jackson's FAIL_ON_TRAILING_TOKENS message starts (the rest names Jackson's classes). */
    private static final String TRAILING_TOKEN = "Trailing token";
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    /**
     * Jackson names where an unclosed object or array began as "(start marker at [Source: REDACTED
     * (`StreamReadFeature...` disabled); line: 1, column: 1])": parser internals, not the client's problem.
     */
    private static final Pattern START_MARKER = Pattern.compile(" \\(start marker at \\[Source: .*\\]\\)");

    /** Strict: a body with anything after its JSON value is refused, not half-read. */
    private final ObjectReader json;
    private final ServeConfig config;

    RequestReader(ObjectMapper json, ServeConfig config) {
        this.json = json.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.config = config;
    }

    /** One image: raw body ({@code ?box=l,t,w,h}), multipart field {@code image}, or JSON. */
    EncodedImage single(Context ctx) {
        String type = mediaType(ctx);
        switch (type) {
            case PNG, JPEG -> {
                return new EncodedImage(body(ctx), queryBox(ctx), "request body");
            }
            case MULTIPART -> {
                List<EncodedImage> images = multipart(ctx);
                if (images.size() != 1) {
                    throw ServiceError.badRequest("expected one file in multipart field '" + IMAGE_FIELD
                            + "', got " + images.size() + " (use /v1/transcribe:batch for several)");
                }
                return images.get(0);
            }
            case JSON -> {
                return orQueryBox(jsonImage(parse(ctx), "request body"), queryBox(ctx));
            }
            default -> throw unsupported(type, PNG + ", " + JPEG + ", " + MULTIPART + " or " + JSON);
        }
    }

    /** Refuses a query parameter {@code route} does not take, naming the routes that take it, if any. */
    static void requireKnownQuery(Context ctx, String route) {
        List<String> taken = QUERY_PARAMETERS.get(route);
        for (Map.Entry<String, List<String>> parameter : ctx.queryParamMap().entrySet()) {
            String name = parameter.getKey();
            if (name.isBlank()) {
                continue; // "?box=1,2,3,4&" and "?&explain=true": an empty pair names nothing
            }
            if (parameter.getValue().size() > 1) {
                throw ServiceError.badRequest("query parameter '" + name + "' is given "
                        + parameter.getValue().size() + " times; give it once");
            }
            if (!taken.contains(name)) {
                List<String> elsewhere = QUERY_PARAMETERS.entrySet().stream()
                        .filter(e -> e.getValue().contains(name)).map(Map.Entry::getKey).sorted().toList();
                throw ServiceError.badRequest("query parameter '" + name + "' is not supported on " + route
                        + (taken.isEmpty() ? ", which takes none" : " (it takes " + String.join(", ", taken) + ")")
                        + (elsewhere.isEmpty() ? "" : "; '" + name + "' is supported only on "
                                + String.join(", ", elsewhere)));
            }
        }
    }

    /** Whether {@code ?explain=true} asks for the answer's {@link Explanation}. */
    boolean explain(Context ctx) {
        String text = ctx.queryParam(EXPLAIN);
        if (text == null || text.equalsIgnoreCase("false")) {
            return false;
        }
        if (text.isEmpty() || text.equalsIgnoreCase("true")) {
            return true;
        }
        throw ServiceError.badRequest("query parameter '" + EXPLAIN + "' is true or false, got '" + text + "'");
    }

    /** Several images: JSON {@code {"images": [{"image": base64, "box": {...}}, ...]}} or multipart files. */
    List<EncodedImage> batch(Context ctx) {
        String type = mediaType(ctx);
        List<EncodedImage> images = switch (type) {
            case MULTIPART -> multipart(ctx);
            case JSON -> {
                JsonNode list = parse(ctx).get("images");
                if (list == null || !list.isArray()) {
                    throw ServiceError.badRequest("a batch is JSON {\"images\": [{\"image\": base64, \"box\": {...}}, ...]}:"
                            + " field 'images' is missing or not an array");
                }
                Box query = queryBox(ctx);
                List<EncodedImage> read = new ArrayList<>(list.size());
                for (int i = 0; i < list.size(); i++) {
                    read.add(orQueryBox(jsonImage(list.get(i), "images[" + i + "]"), query));
                }
                yield read;
            }
            default -> throw unsupported(type, MULTIPART + " or " + JSON);
        };
        return checkCount(images);
    }

    /** An Open Inference Protocol v2 request: its optional id and its images. */
    record InferRequest(String id, List<EncodedImage> images) {
    }

    /**
     * Open Inference Protocol v2: input {@code image}, datatype BYTES, data = base64 strings; optional
     * input {@code box}, INT32 (or INT64), shape [n, 4], one detector box per image.
     */
    InferRequest v2(Context ctx) {
        String type = mediaType(ctx);
        if (!type.equals(JSON)) {
            throw unsupported(type, JSON);
        }
        JsonNode request = parse(ctx);
        JsonNode inputs = request.get("inputs");
        if (inputs == null || !inputs.isArray() || inputs.isEmpty()) {
            throw ServiceError.badRequest("an inference request needs an 'inputs' array with the '" + V2_INPUT
                    + "' tensor");
        }
        JsonNode input = null;
        JsonNode boxInput = null;
        for (JsonNode candidate : inputs) {
            String name = candidate.path("name").asText();
            if (!name.equals(V2_INPUT) && !name.equals(V2_BOX)) {
                throw ServiceError.badRequest("unknown input '" + name + "': this model takes '" + V2_INPUT + "' ("
                        + V2_BYTES + ", [n]) and, optionally, '" + V2_BOX + "' (" + V2_BOX_TYPE
                        + ", [n, 4]: each image's box as left, top, width, height)");
            }
            if ((name.equals(V2_INPUT) ? input : boxInput) != null) {
                throw ServiceError.badRequest("input '" + name + "' is given twice");
            }
            if (name.equals(V2_INPUT)) {
                input = candidate;
            } else {
                boxInput = candidate;
            }
        }
        if (input == null) {
            throw ServiceError.badRequest("no input named '" + V2_INPUT + "' in 'inputs'");
        }
        if (!V2_BYTES.equals(input.path("datatype").asText())) {
            throw ServiceError.badRequest("input '" + V2_INPUT + "' must have datatype " + V2_BYTES + ", got '"
                    + input.path("datatype").asText() + "'");
        }
        JsonNode data = input.get("data");
        if (data == null || !data.isArray() || data.isEmpty()) {
            throw ServiceError.badRequest("input '" + V2_INPUT + "' needs a non-empty 'data' array of base64 images");
        }
        requireShape(input.get("shape"), data.size());
        List<Box> boxes = boxInput == null ? null : v2Boxes(boxInput, data.size());
        List<EncodedImage> images = new ArrayList<>(data.size());
        for (int i = 0; i < data.size(); i++) {
            String source = "inputs." + V2_INPUT + ".data[" + i + "]";
            images.add(new EncodedImage(base64(data.get(i), source), boxes == null ? null : boxes.get(i), source));
        }
        return new InferRequest(request.path("id").asText(null), checkCount(images));
    }

    /**
     * The {@code box} tensor's rows: shape exactly [images, 4], data the 4 x images integers flat in
     * row-major order (the protocol's form) or as rows of four.
     */
    private static List<Box> v2Boxes(JsonNode input, int images) {
        String where = "input '" + V2_BOX + "'";
        String datatype = input.path("datatype").asText();
        if (!V2_BOX_TYPES.contains(datatype)) {
            throw ServiceError.badRequest(where + " must have datatype " + String.join(" or ", V2_BOX_TYPES) + ", got '"
                    + datatype + "'");
        }
        JsonNode shape = input.get("shape");
        if (shape == null || !shape.isArray() || shape.size() != 2 || !shape.get(0).isIntegralNumber()
                || !shape.get(1).isIntegralNumber() || shape.get(0).asInt() != images
                || shape.get(1).asInt() != BOX_SIDES) {
            throw ServiceError.badRequest(where + " has shape " + shape + ": it must be [" + images + ", " + BOX_SIDES
                    + "], one row of left, top, width, height for each of the " + images + " images");
        }
        JsonNode data = input.get("data");
        // Flat, 4 x images values; or images rows of four. Anything else is refused before it is walked.
        if (data == null || !data.isArray() || (data.size() != images * BOX_SIDES && data.size() != images)) {
            throw ServiceError.badRequest(where + " needs a 'data' array of " + images * BOX_SIDES + " integers (or"
                    + " a row of " + BOX_SIDES + " per image), got " + (data == null || !data.isArray() ? "none"
                    : data.size() + " elements"));
        }
        List<Integer> values = new ArrayList<>(images * BOX_SIDES);
        for (JsonNode element : data) {
            if (element.isArray()) {
                if (element.size() != BOX_SIDES) {
                    throw ServiceError.badRequest(where + " row " + values.size() / BOX_SIDES + " has " + element.size()
                            + " values, not " + BOX_SIDES + " (left, top, width, height)");
                }
                element.forEach(v -> values.add(boxValue(v, where, values.size())));
            } else {
                values.add(boxValue(element, where, values.size()));
            }
        }
        if (values.size() != images * BOX_SIDES) {
            throw ServiceError.badRequest(where + " holds " + values.size() + " integers; shape [" + images + ", "
                    + BOX_SIDES + "] needs " + images * BOX_SIDES);
        }
        List<Box> boxes = new ArrayList<>(images);
        for (int i = 0; i < images; i++) {
            int at = i * BOX_SIDES;
            try {
                boxes.add(new Box(values.get(at), values.get(at + 1), values.get(at + 2), values.get(at + 3)));
            } catch (IllegalArgumentException e) {
                throw ServiceError.badRequest(where + " row " + i + " (for " + V2_INPUT + " " + i + "): " + e.getMessage());
            }
        }
        return boxes;
    }

    private static int boxValue(JsonNode value, String where, int index) {
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw ServiceError.badRequest(where + " value " + index + " (row " + index / BOX_SIDES + ") is " + value
                    + ", not a 32-bit integer");
        }
        return value.intValue();
    }

    /** The protocol requires a shape; its elements must number the data's, e.g. [n] or [n, 1]. */
    private static void requireShape(JsonNode shape, int elements) {
        String where = "input '" + V2_INPUT + "'";
        if (shape == null || !shape.isArray() || shape.isEmpty()) {
            throw ServiceError.badRequest(where + " needs a 'shape' array, e.g. [" + elements + "] for its "
                    + elements + " images");
        }
        long product = 1;
        for (JsonNode dim : shape) {
            if (!dim.isIntegralNumber() || !dim.canConvertToInt() || dim.intValue() < 0) {
                throw ServiceError.badRequest(where + " has shape " + shape + ": dimensions are non-negative integers");
            }
            product = Math.min(product * dim.intValue(), Integer.MAX_VALUE);
        }
        if (product != elements) {
            throw ServiceError.badRequest(where + " has shape " + shape + " (" + product + " elements) but its 'data' holds "
                    + elements);
        }
    }

    private List<EncodedImage> checkCount(List<EncodedImage> images) {
        if (images.isEmpty()) {
            throw ServiceError.badRequest("the request carries no images");
        }
        if (images.size() > config.maxImagesPerCall()) {
            throw ServiceError.tooLarge(images.size() + " images in one call, more than the limit of "
                    + config.maxImagesPerCall());
        }
        return images;
    }

    private List<EncodedImage> multipart(Context ctx) {
        List<UploadedFile> files = ctx.uploadedFiles(IMAGE_FIELD);
        List<String> boxes = ctx.formParams(BOX_FIELD);
        if (!boxes.isEmpty() && boxes.size() != files.size()) {
            throw ServiceError.badRequest(files.size() + " files in field '" + IMAGE_FIELD + "' but " + boxes.size()
                    + " in field '" + BOX_FIELD + "': give one box per file or none");
        }
        Box queryBox = queryBox(ctx);
        List<EncodedImage> images = new ArrayList<>(files.size());
        for (int i = 0; i < files.size(); i++) {
            UploadedFile file = files.get(i);
            String source = file.filename() == null || file.filename().isBlank()
                    ? IMAGE_FIELD + "[" + i + "]" : file.filename();
            Box box = boxes.isEmpty() ? queryBox : box(boxes.get(i), "field '" + BOX_FIELD + "' of " + source);
            try (InputStream in = file.content()) {
                images.add(new EncodedImage(in.readAllBytes(), box, source));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (images.isEmpty()) {
            throw ServiceError.badRequest("the multipart request has no file in field '" + IMAGE_FIELD + "'");
        }
        return images;
    }

    private EncodedImage jsonImage(JsonNode node, String source) {
        if (node == null || !node.isObject()) {
            throw ServiceError.badRequest(source + " must be a JSON object {\"image\": base64, \"box\": {...}}");
        }
        byte[] bytes = base64(node.get(IMAGE_FIELD), source + ".image");
        JsonNode box = node.get(BOX_FIELD);
        return new EncodedImage(bytes, box == null || box.isNull() ? null : jsonBox(box, source + ".box"), source);
    }

    /** The image with the query's box when it brings none of its own (a multipart file's box field wins the same way). */
    private static EncodedImage orQueryBox(EncodedImage image, Box query) {
        return image.region() == null && query != null ? new EncodedImage(image.bytes(), query, image.source()) : image;
    }

    private static Box jsonBox(JsonNode node, String where) {
        if (!node.isObject()) {
            throw ServiceError.badRequest(where + " must be an object {\"left\", \"top\", \"width\", \"height\"}");
        }
        int[] v = new int[4];
        String[] names = {"left", "top", "width", "height"};
        for (int i = 0; i < names.length; i++) {
            JsonNode field = node.get(names[i]);
            if (field == null || !field.canConvertToInt() || !field.isIntegralNumber()) {
                throw ServiceError.badRequest(where + "." + names[i] + " is missing or not an integer");
            }
            v[i] = field.intValue();
        }
        try {
            return new Box(v[0], v[1], v[2], v[3]);
        } catch (IllegalArgumentException e) {
            throw ServiceError.badRequest(where + ": " + e.getMessage());
        }
    }

    private static Box queryBox(Context ctx) {
        String text = ctx.queryParam(BOX_FIELD);
        return text == null ? null : box(text, "query parameter '" + BOX_FIELD + "'");
    }

    private static Box box(String text, String where) {
        try {
            return Box.parse(text);
        } catch (IllegalArgumentException e) {
            throw ServiceError.badRequest(where + ": " + e.getMessage());
        }
    }

    private static byte[] base64(JsonNode node, String where) {
        if (node == null || !node.isTextual()) {
            throw ServiceError.badRequest(where + " is missing or not a base64 string");
        }
        String text = node.textValue();
        if (text.startsWith(DATA_URL) && text.indexOf(',') > 0) {
            text = text.substring(text.indexOf(',') + 1); // a browser's data: URL
        }
        try {
            // Strict decoding (a lenient one skips junk and reports an empty image instead).
            return Base64.getDecoder().decode(WHITESPACE.matcher(text).replaceAll(""));
        } catch (IllegalArgumentException e) {
            throw ServiceError.badRequest(where + " is not valid base64: " + e.getMessage());
        }
    }

    private JsonNode parse(Context ctx) {
        try {
            JsonNode node = json.readTree(body(ctx));
            if (node == null || !node.isObject()) {
                throw ServiceError.badRequest("the request body must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            if (e.getOriginalMessage().startsWith(TRAILING_TOKEN)) {
                throw ServiceError.badRequest("the request body has trailing data after its JSON object at "
                        + e.getLocation().offsetDescription() + "; send exactly one JSON object");
            }
            throw ServiceError.badRequest("the request body is not valid JSON: "
                    + START_MARKER.matcher(e.getOriginalMessage()).replaceAll(""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private byte[] body(Context ctx) {
        long declared = ctx.contentLength();
        if (declared > config.maxBodyBytes()) {
            throw ServiceError.tooLarge("the request body is " + declared + " bytes, more than the limit of "
                    + config.maxBodyBytes());
        }
        return ctx.bodyAsBytes();
    }

    /** The content type without parameters, lower case; "" when absent. */
    private static String mediaType(Context ctx) {
        String type = ctx.contentType();
        if (type == null) {
            return "";
        }
        int semicolon = type.indexOf(';');
        return (semicolon < 0 ? type : type.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    private static ServiceError unsupported(String type, String accepted) {
        return new ServiceError(ServiceError.UNSUPPORTED_TYPE, "content type '" + (type.isEmpty() ? "(none)" : type)
                + "' is not supported here; send " + accepted);
    }
}
