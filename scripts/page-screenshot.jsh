// Takes docs/page.png: the service's page (a running `scripts/serve.sh`) in headless Chromium, one photo
// read twice, first without a box (the localizers find it), then in the box given, as a user would:
// open the photo, type the box, press Transcribe. Needs Debian's chromium and chromedriver, as the
// page's browser test does, and the serve module's test classes (its HeadlessChromium) and test classpath
// (Selenium):
//   ./mvnw -B -q -o test-compile dependency:build-classpath -pl modules/serve -am -Dmdep.includeScope=test \
//       -Dmdep.outputFile=$PWD/cp.txt   # the reactor's modules resolve only with a build phase and -am
//   scripts/serve.sh &                        # the shipped model on 127.0.0.1:8080
//   jshell --class-path "modules/serve/target/test-classes:$(cat cp.txt)" -R-Dpage.url=http://127.0.0.1:8080/ \
//       -R-Dpage.photo=data/svhn-real/test/train_3558.png -R-Dpage.box=77,13,100,75 \
//       -R-Dpage.png=docs/page.png scripts/page-screenshot.jsh
import dev.streetnum.serve.HeadlessChromium;
import org.openqa.selenium.*;
import org.openqa.selenium.support.ui.WebDriverWait;
import java.nio.file.*;
import java.time.Duration;

void shoot(WebDriver browser) throws Exception {
    var wait = new WebDriverWait(browser, Duration.ofSeconds(60));
    browser.get(System.getProperty("page.url"));
    browser.findElement(By.id("file")).sendKeys(Path.of(System.getProperty("page.photo")).toAbsolutePath().toString());
    wait.until(b -> b.findElements(By.cssSelector("#gallery li")).size() == 1);
    var box = browser.findElement(By.id("box"));
    box.clear();
    box.sendKeys(System.getProperty("page.box"));
    browser.findElement(By.id("transcribe")).click();
    wait.until(b -> b.findElements(By.cssSelector("#gallery li")).size() == 2);
    String status = browser.findElement(By.id("status")).getText();
    if (status.startsWith("Error")) {
        throw new IllegalStateException("the page shows an error: " + status);
    }
    byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
    Files.write(Path.of(System.getProperty("page.png")), png);
    System.out.println("wrote " + System.getProperty("page.png"));
}

void main() throws Exception {
    if (!HeadlessChromium.installed()) {
        throw new IllegalStateException("the page screenshot " + HeadlessChromium.missing());
    }
    var profile = Files.createTempDirectory("page-screenshot");
    try {
        WebDriver browser = HeadlessChromium.open(profile, 1280, 1000);
        try {
            shoot(browser);
        } finally {
            browser.quit();
        }
    } finally {
        try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}

main();
/exit
