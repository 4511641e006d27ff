package dev.streetnum.serve;

import static dev.streetnum.serve.ServiceUnderTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streetnum.data.AnnotatedDataset;
import dev.streetnum.data.Box;
import dev.streetnum.data.ExifJpeg;
import dev.streetnum.data.ImageDecoder;
import dev.streetnum.data.TestData;
import dev.streetnum.model.ModelBundle;
import dev.streetnum.model.TestBundles;
import dev.streetnum.model.Transcriber;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * The service's page in a real headless browser (Debian's chromium through its chromedriver) against
 * the real service around the tiny test model: upload a photo, drag a box on it with the mouse, and
 * check that what the page shows is what the API answers for the same image and box. Skips, saying
 * why, when chromium or chromedriver is not installed.
 */
class ServicePageBrowserTest {

    static final Duration WAIT = Duration.ofSeconds(60);
    /**
     * Both requests are single-image forward passes of the same network; on this machine they are
     * bit-identical. The margin is the service tests' allowance for batch-dependent BLAS sums.
     */
    static final double TOLERANCE = 1e-6;
    /** A file name (no slash: that would be a folder) that would become markup if inserted as HTML. */
    static final String HOSTILE_NAME = "<b id=\"injected\">photo.png";
    /** Where the drag starts and ends, as fractions of the shown photo's width and height. */
    static final double FROM_X = 0.2;
    static final double FROM_Y = 0.25;
    static final double TO_X = 0.7;
    static final double TO_Y = 0.8;

    @TempDir
    static Path dir;

    static ServiceUnderTest service;
    static WebDriver browser;
    static Sent photo;

    /** A photo as the page sends it: the file chosen, its bytes and their content type. */
    record Sent(Path file, byte[] bytes, String type) {
    }

    @BeforeAll
    static void start() throws IOException {
        assumeTrue(HeadlessChromium.installed(), "skipped: the page's browser test " + HeadlessChromium.missing());
        // Two localizers: a photo sent without a box shows both candidate boxes and their readings.
        ModelBundle bundle = ModelBundle.load(TestBundles.tinyBundleFile(dir)).withLocalizers(
                List.of(TestBundles.untrainedLocalizer(4), TestBundles.untrainedLocalizer(9)));
        service = new ServiceUnderTest(new ServedModel(new Transcriber(bundle)),
                ServeConfig.defaults(bundle.metadata().modelId(), 0.0), bundle.metadata().preprocess());

        Path file = dir.resolve(HOSTILE_NAME);
        Files.copy(somePhoto(), file);
        photo = new Sent(file, Files.readAllBytes(file), RequestReader.PNG);

        browser = HeadlessChromium.open(dir.resolve("chromium-profile"), 1400, 1000);
    }

    /** A real SVHN photo when the checkout has ../shared beside it, else a generated one. */
    static Path somePhoto() {
        Optional<Path> real = TestData.shared("svhn-real/train/train_1.png");
        if (real.isPresent()) {
            return real.get();
        }
        AnnotatedDataset generated = AnnotatedDataset.load(TestData.generatedSet(dir.resolve("set"), 1, 5), false);
        return generated.images().get(0).file();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (service != null) {
            service.close();
        }
    }

    @Test
    void theAnswerShownForADrawnBoxIsTheApisAnswerForThatBox() throws IOException {
        browser.get(service.uri("/").toString());
        browser.findElement(By.id("file")).sendKeys(photo.file().toString());
        awaitAnswers(1);
        JsonNode whole = assertShowsTheApisAnswer(photo, null);
        // Without a box: the candidate boxes, listed as the API gives them, and drawn besides the chosen one.
        JsonNode readings = whole.get("boxReadings");
        assertEquals(2, readings.size(), whole.toString());
        List<WebElement> rows = browser.findElements(By.cssSelector("#box-readings tbody tr"));
        assertEquals(readings.size(), rows.size());
        int others = 0;
        for (int k = 0; k < readings.size(); k++) {
            JsonNode r = readings.get(k);
            Box b = new Box(r.get("box").get("left").asInt(), r.get("box").get("top").asInt(),
                    r.get("box").get("width").asInt(), r.get("box").get("height").asInt());
            assertEquals(b.toString(), rows.get(k).findElements(By.tagName("td")).get(0).getText());
            others += b.equals(rect("box.found")) ? 0 : 1;
        }
        assertEquals(others, browser.findElements(By.cssSelector("#overlay rect.candidate")).size());

        Box box = dragBox(photo, 2, FROM_X, FROM_Y, TO_X, TO_Y);
        JsonNode answer = assertShowsTheApisAnswer(photo, box);
        assertTrue(!browser.findElement(By.id("box-readings-panel")).isDisplayed(), "a drawn box is the one region read");
        assertTrue(browser.findElements(By.cssSelector("#overlay rect.candidate")).isEmpty());

        // The photo shows the box and the region the service says it cut out.
        assertEquals(box, rect("box"));
        JsonNode expanded = answer.get("explanation").get("expandedRegion");
        assertEquals(new Box(expanded.get("left").asInt(), expanded.get("top").asInt(), expanded.get("width").asInt(),
                expanded.get("height").asInt()), rect("expanded"));

        // Text from the user stays text: the file name is shown as written, never as markup.
        List<WebElement> names = browser.findElements(By.cssSelector("#gallery .gallery-name"));
        assertEquals(2, names.size());
        assertEquals(HOSTILE_NAME, names.get(0).getText());
        assertTrue(browser.findElements(By.id("injected")).isEmpty(), "the file name was inserted as HTML");
    }

    /**
     * A phone stores a portrait photo sideways and an EXIF orientation saying how to turn it; the
     * browser shows it turned, and a box drawn there must be read on the same digits. The photo here
     * is 240x96 upright, stored 96x240: the box is drawn right of x = 96, outside the stored frame.
     */
    @Test
    void aPhotoWithAnExifOrientationIsReadAsThePageShowsIt() throws IOException {
        Path file = dir.resolve("portrait.jpg");
        try (Mat original = ImageDecoder.read(photo.file()); Mat upright = new Mat(); Mat sideways = new Mat()) {
            opencv_imgproc.resize(original, upright, new Size(240, 96));
            opencv_core.rotate(upright, sideways, opencv_core.ROTATE_90_COUNTERCLOCKWISE);
            Files.write(file, ExifJpeg.of(sideways, 6)); // 6: turn a quarter clockwise to show
        }
        Sent portrait = new Sent(file, Files.readAllBytes(file), RequestReader.JPEG);
        browser.get(service.uri("/").toString());
        browser.findElement(By.id("file")).sendKeys(file.toString());
        awaitAnswers(1);
        assertEquals("0 0 240 96", browser.findElement(By.id("overlay")).getDomAttribute("viewBox"),
                "the page shows the photo upright");
        assertEquals(List.of(240, 96), List.of(imageSize(portrait)[0], imageSize(portrait)[1]));
        assertShowsTheApisAnswer(portrait, null);

        Box box = dragBox(portrait, 2, 0.6, 0.2, 0.95, 0.85);
        assertTrue(box.left() > 96, "the box starts right of the stored frame: " + box);
        JsonNode answer = assertShowsTheApisAnswer(portrait, box);
        assertEquals(box.toString(), answer.get("box").get("left").asInt() + "," + answer.get("box").get("top").asInt()
                + "," + answer.get("box").get("width").asInt() + "," + answer.get("box").get("height").asInt());
        assertEquals(box, rect("box"));
    }

    /**
     * Drags a box with the mouse from one point of the shown photo to another (fractions of its width
     * and height), waits for the page's answer (the {@code answers}-th shown), and returns the box the
     * page then holds, checked against the drag.
     */
    private static Box dragBox(Sent sent, int answers, double fromFractionX, double fromFractionY,
                               double toFractionX, double toFractionY) {
        WebElement shown = browser.findElement(By.id("photo"));
        Dimension size = shown.getSize();
        int fromX = (int) Math.round(size.getWidth() * fromFractionX);
        int fromY = (int) Math.round(size.getHeight() * fromFractionY);
        int toX = (int) Math.round(size.getWidth() * toFractionX);
        int toY = (int) Math.round(size.getHeight() * toFractionY);
        // Selenium 4 measures element offsets from the element's centre.
        new Actions(browser)
                .moveToElement(shown, fromX - size.getWidth() / 2, fromY - size.getHeight() / 2)
                .clickAndHold()
                .moveByOffset((toX - fromX) / 2, (toY - fromY) / 2)
                .moveByOffset(toX - fromX - (toX - fromX) / 2, toY - fromY - (toY - fromY) / 2)
                .release()
                .perform();
        awaitAnswers(answers);
        Box box = Box.parse(browser.findElement(By.id("box")).getDomProperty("value"));
        int[] image = imageSize(sent);
        double pixelsPerShown = (double) image[0] / size.getWidth();
        double slack = 2 * pixelsPerShown + 1; // mouse positions are whole CSS pixels; the box rounds
        assertEquals(fromX * pixelsPerShown, box.left(), slack, "box " + box);
        assertEquals(fromY * pixelsPerShown, box.top(), slack, "box " + box);
        assertEquals(toX * pixelsPerShown, box.right(), slack, "box " + box);
        assertEquals(toY * pixelsPerShown, box.bottom(), slack, "box " + box);
        return box;
    }

    /** Waits until the page has shown this many answers (each one joins the recent-requests list). */
    private static void awaitAnswers(int count) {
        new WebDriverWait(browser, WAIT).until(b -> {
            String status = b.findElement(By.id("status")).getText();
            if (status.startsWith("Error")) {
                throw new AssertionError("the page shows an error: " + status);
            }
            return b.findElements(By.cssSelector("#gallery li")).size() == count;
        });
    }

    /**
     * Asks the API for the same image and box and checks the page shows that answer: its headline,
     * every field of the answer (elapsed time aside) and the crop's exact bytes.
     */
    private static JsonNode assertShowsTheApisAnswer(Sent sent, Box box) throws IOException {
        String query = "?explain=true" + (box == null ? "" : "&box=" + box);
        HttpResponse<String> r = service.postBytes(TranscriptionApp.TRANSCRIBE + query, sent.type(), sent.bytes());
        assertEquals(200, r.statusCode(), r.body());
        JsonNode api = json(r);

        String headline = browser.findElement(By.id("answer-text")).getText();
        assertEquals(api.get("accepted").asBoolean() ? api.get("text").asText() : "refused", headline);
        assertEquals(api.get("explanation").get("crop").asText(),
                browser.findElement(By.id("crop")).getDomAttribute("src"), "the crop shown is the API's");

        // The verdict names the score the threshold judges; the alternatives' first row is the candidate's
        // P(S|x) from the heads the answer carries: P(L = n|x) times each of its digits' probabilities.
        assertTrue(browser.findElement(By.id("verdict")).getText().startsWith("confidence "),
                browser.findElement(By.id("verdict")).getText());
        double p = api.get("lengthProbabilities").get(api.get("candidate").asText().length()).asDouble();
        for (JsonNode position : api.get("positions")) {
            p *= position.get("probability").asDouble();
        }
        String firstRow = browser.findElement(By.cssSelector("#alternatives tbody tr td:nth-child(2)")).getText();
        // The page writes one decimal from 0.1% up, two significant digits below.
        double shownPercent = Double.parseDouble(firstRow.replace("%", ""));
        assertEquals(100 * p, shownPercent, p >= 0.001 ? 0.051 : 0.006 * 100 * p, "the candidate's P(S|x) row: " + firstRow);

        JsonNode shown = ServiceUnderTest.JSON.readTree(
                (String) ((ChromeDriver) browser).executeScript("return document.getElementById('raw-json').textContent"));
        ObjectNode expected = api.deepCopy();
        ObjectNode actual = shown.deepCopy();
        expected.remove("elapsedMs");
        actual.remove("elapsedMs");
        ((ObjectNode) expected.get("explanation")).remove("crop"); // shortened on the page; compared above
        ((ObjectNode) actual.get("explanation")).remove("crop");
        assertSameJson(expected, actual, "$");
        return api;
    }

    /** Equal trees, numbers by value (JavaScript writes 1.0 as 1). */
    private static void assertSameJson(JsonNode expected, JsonNode actual, String path) {
        if (expected.isNumber()) {
            assertTrue(actual.isNumber(), path + ": expected a number, got " + actual);
            assertEquals(expected.doubleValue(), actual.doubleValue(), TOLERANCE, path);
        } else if (expected.isContainerNode()) {
            assertEquals(expected.size(), actual.size(), path + ": " + actual);
            if (expected.isArray()) {
                for (int i = 0; i < expected.size(); i++) {
                    assertSameJson(expected.get(i), actual.get(i), path + "[" + i + "]");
                }
            } else {
                for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = it.next();
                    assertTrue(actual.has(field.getKey()), path + ": the page lacks '" + field.getKey() + "'");
                    assertSameJson(field.getValue(), actual.get(field.getKey()), path + "." + field.getKey());
                }
            }
        } else {
            assertEquals(expected, actual, path);
        }
    }

    /** Width and height of the photo as the service decodes it (upright). */
    private static int[] imageSize(Sent sent) {
        try (var image = ImageDecoder.decode(sent.bytes(), sent.file().toString())) {
            return new int[] {image.cols(), image.rows()};
        }
    }

    /** The rectangle of this class drawn over the photo, in image pixels. */
    private static Box rect(String className) {
        WebElement r = browser.findElement(By.cssSelector("#overlay rect." + className));
        return new Box(Integer.parseInt(r.getDomAttribute("x")), Integer.parseInt(r.getDomAttribute("y")),
                Integer.parseInt(r.getDomAttribute("width")), Integer.parseInt(r.getDomAttribute("height")));
    }
}
