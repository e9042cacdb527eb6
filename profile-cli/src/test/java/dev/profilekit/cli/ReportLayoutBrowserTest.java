package dev.profilekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's report laid out by a real browser (headless Chromium) at a phone's width (390 px) and a desktop's
 * (1400 px): no sideways scroll and nothing wider than the page, and chart text at least 10 px on the phone.
 *
 * <p>The report has no scripts; the probe is a page of this test's own that holds the report in two {@code srcdoc}
 * frames of those widths (same origin, so its script can measure them) and writes what it measured into its DOM,
 * which {@code chromium --headless --dump-dom} prints. Skipped, with a message, only when no Chromium or Chrome is
 * installed (see the README: {@code apt-get install chromium}); set {@code PROFILEKIT_CHROMIUM} to use another binary.
 */
@Tag("slow")
class ReportLayoutBrowserTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Smallest chart text, in CSS pixels as displayed, that a person reads on a phone. */
    private static final double MIN_TEXT_PX = 10;

    @TempDir
    Path tmp;

    @Test
    void demoReportFitsAPhoneAndADesktopInARealBrowser() throws Exception {
        Optional<Path> chromium = chromium();
        Assumptions.assumeTrue(chromium.isPresent(), "no Chromium or Chrome binary found on PATH (chromium, "
                + "chromium-browser, google-chrome) nor in PROFILEKIT_CHROMIUM: the browser layout test is skipped; "
                + "install one with `apt-get install chromium` (Debian/Ubuntu) to run it");
        Path dir = tmp.resolve("demo");
        ReplayCommandTest.Run demo = ReplayCommandTest.run("demo", "--out", dir.toString(), "--users", "300",
                "--days", "16", "--quiet");
        assertThat(demo.exit()).as(demo.err()).isZero();

        JsonNode phone = measure(chromium.get(), dir.resolve("report.html"), 390).get("w390");
        assertThat(phone.get("width").asInt()).as("the phone frame's layout width").isEqualTo(390);
        assertThat(phone.get("scrollWidth").asInt()).as("page width at 390 px (wider scrolls sideways); too wide: %s",
                phone.get("wide")).isLessThanOrEqualTo(390);
        assertThat(phone.get("wide")).as("elements wider than the 390 px page").isEmpty();
        assertThat(phone.get("charts").asInt()).as("charts shown on the phone").isGreaterThan(10);
        assertThat(phone.get("minText").asDouble()).as("smallest chart text on the phone, px (%s)",
                phone.get("minTextAt")).isGreaterThanOrEqualTo(MIN_TEXT_PX);

        JsonNode desktop = measure(chromium.get(), dir.resolve("report.html"), 1400).get("w1400");
        assertThat(desktop.get("width").asInt()).isEqualTo(1400);
        assertThat(desktop.get("scrollWidth").asInt()).isLessThanOrEqualTo(1400);
        assertThat(desktop.get("wide")).as("elements wider than the page's column at 1400 px").isEmpty();
        assertThat(desktop.get("charts").asInt()).isGreaterThan(10);
    }

    /**
     * Loads the report in a frame {@code width} px wide in headless Chromium and returns what the probe measured:
     * {@code {"w<width>": {width, scrollWidth, wide: [..], charts, minText, minTextAt}}}.
     */
    private JsonNode measure(Path chromium, Path report, int width) throws IOException, InterruptedException {
        String html = Files.readString(report, StandardCharsets.UTF_8);
        String srcdoc = html.replace("&", "&amp;").replace("\"", "&quot;");
        String probe = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body style=\"margin:0\">"
                + "<iframe id=\"w" + width + "\" style=\"border:0;width:" + width + "px;height:900px\" srcdoc=\""
                + srcdoc + "\"></iframe><pre id=\"out\"></pre><script>" + PROBE + "</script></body></html>";
        Path page = tmp.resolve("probe-" + width + ".html");
        Files.writeString(page, probe, StandardCharsets.UTF_8);
        List<String> cmd = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-extensions",
                "--user-data-dir=" + tmp.resolve("chromium-profile"), "--window-size=" + (width + 100) + ",1000",
                "--virtual-time-budget=10000", "--dump-dom", page.toUri().toString()));
        Process p = new ProcessBuilder(cmd).redirectError(tmp.resolve("chromium.err").toFile())
                .redirectOutput(tmp.resolve("dom-" + width + ".html").toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish within 120 s");
        }
        String dom = Files.readString(tmp.resolve("dom-" + width + ".html"), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("<pre id=\"out\">(.*?)</pre>", Pattern.DOTALL).matcher(dom);
        assertThat(m.find()).as("the probe's result in chromium's DOM (exit %d, stderr: %s)", p.exitValue(),
                Files.readString(tmp.resolve("chromium.err"))).isTrue();
        String json = m.group(1).replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">")
                .replace("&amp;", "&");
        assertThat(json).as("probe output").isNotBlank();
        return MAPPER.readTree(json);
    }

    /**
     * Runs in the probe page once the frames are loaded: for each frame, its layout width, the document's scroll
     * width, the elements that reach past the page's column (body's content box; on a phone the viewport), and the
     * smallest chart text as displayed (font size times the SVG's scale) over the charts that are shown.
     */
    private static final String PROBE = """
            window.addEventListener('load', function () {
              var result = {};
              document.querySelectorAll('iframe').forEach(function (f) {
                var w = f.contentWindow, d = f.contentDocument, body = d.body;
                var cs = w.getComputedStyle(body);
                var bodyBox = body.getBoundingClientRect();
                var right = Math.min(w.innerWidth, bodyBox.right - parseFloat(cs.paddingRight)) + 0.5;
                var wide = [];
                d.querySelectorAll('body *').forEach(function (e) {
                  var r = e.getBoundingClientRect();
                  if (r.width > 0 && r.right > right && e.closest('svg') === null || e.tagName === 'svg' && r.right > right) {
                    if (wide.length < 12) wide.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                        + (e.className && e.className.baseVal === undefined && e.className ? '.' + e.className : '')
                        + ' right=' + Math.round(r.right) + ' > ' + Math.round(right));
                  }
                });
                var charts = 0, minText = 1e9, minTextAt = '';
                d.querySelectorAll('svg').forEach(function (s) {
                  var r = s.getBoundingClientRect();
                  if (r.width === 0 || w.getComputedStyle(s).display === 'none') return;
                  charts++;
                  var vb = s.viewBox.baseVal, scale = vb && vb.width ? r.width / vb.width : 1;
                  s.querySelectorAll('text').forEach(function (t) {
                    if (!t.textContent.trim()) return;
                    var px = parseFloat(w.getComputedStyle(t).fontSize) * scale;
                    if (px < minText) { minText = px; minTextAt = (s.id || 'svg') + ': "' + t.textContent.trim() + '"'; }
                  });
                });
                result[f.id] = {width: w.innerWidth, scrollWidth: d.documentElement.scrollWidth, wide: wide,
                    charts: charts, minText: Math.round(minText * 100) / 100, minTextAt: minTextAt};
              });
              document.getElementById('out').textContent = JSON.stringify(result);
            });
            """;

    /** The browser: {@code PROFILEKIT_CHROMIUM}, or the first of the usual names on the PATH. */
    static Optional<Path> chromium() {
        String explicit = System.getenv("PROFILEKIT_CHROMIUM");
        if (explicit != null && !explicit.isBlank()) {
            return Optional.of(Path.of(explicit)).filter(Files::isExecutable);
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String name : List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")) {
            for (String d : path.split(File.pathSeparator)) {
                Path c = Path.of(d.isEmpty() ? "." : d, name);
                if (Files.isExecutable(c) && !Files.isDirectory(c)) {
                    return Optional.of(c);
                }
            }
        }
        return Optional.empty();
    }
}
