package org.multiprocessing4j.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Paint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * The performance report: every {@link SideBySide} row, run in one sitting beside CPython, written
 * as a Markdown table ({@value #TABLE}) and a chart of the ratios ({@value #CHART}), and copied into
 * the README between its report markers, with the machine the figures came from.
 *
 * <p>Run from the repository root, after {@code mvn -B -q -pl bench -am package -DskipTests}:
 * {@code java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar org.multiprocessing4j.bench.Report [runs [group]]}, the arguments of {@link SideBySide}.
 * "Cold" rows are a fresh process's or a fresh object's first run, as CPython's script measures;
 * "warm" rows are marked so.
 */
public final class Report {
    static final String TABLE = "docs/bench/latest.md";
    static final String CHART = "docs/bench/latest.png";
    private static final Path README = Path.of("README.md");
    private static final String BEGIN = "<!-- bench-report:begin -->";
    private static final String END = "<!-- bench-report:end -->";
    private static final int CHART_WIDTH = 1000;
    private static final int ROW_HEIGHT = 22;
    private static final int CHART_MARGIN = 160;
    private static final Color COLD_AHEAD = new Color(0x2e7d32);
    private static final Color WARM_AHEAD = new Color(0x81c784);
    private static final Color COLD_BEHIND = new Color(0xc62828);
    private static final Color WARM_BEHIND = new Color(0xef9a9a);

    private Report() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        SideBySide.main(args);
        List<SideBySide.Row> rows = SideBySide.rows();
        String report = machine() + "\n\n" + table(rows);
        Files.createDirectories(Path.of(TABLE).getParent());
        Files.writeString(Path.of(TABLE), "# Performance report\n\n" + report, StandardCharsets.UTF_8);
        chart(rows, Path.of(CHART));
        intoReadme(report + "\n![Java beside CPython, times better](" + CHART + ")\n");
        System.out.println("wrote " + TABLE + ", " + CHART + " and the README's report");
    }

    /** The table: one line per row, Java's figure, CPython's, and how many times better Java does. */
    static String table(List<SideBySide.Row> rows) {
        StringBuilder table = new StringBuilder("| workload | Java | CPython | Java vs CPython |\n|---|---:|---:|---:|\n");
        for (SideBySide.Row row : rows) {
            table.append(String.format(Locale.ROOT, "| %s | %s %s | %s %s | %.2fx |%n", row.workload(), figure(row.java()),
                    row.unit(), figure(row.cpython()), row.unit(), row.ratio()));
        }
        return table.toString();
    }

    private static String figure(double value) {
        return String.format(Locale.ROOT, value >= 100 ? "%.0f" : value >= 10 ? "%.1f" : "%.2f", value);
    }

    /** The machine and the software the figures came from. */
    static String machine() throws IOException, InterruptedException {
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
        String memory = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                .findFirst().map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) / (1024 * 1024) + " GiB").orElse("?");
        String kernel = Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
        String pythonVersion = SideBySide.python3("--version");
        return String.format(Locale.ROOT, "Measured on %s: %s, %d cores, %s of memory, Linux %s; Java %s, %s.",
                LocalDate.now(), cpu, Runtime.getRuntime().availableProcessors(), memory, kernel, Runtime.version(),
                pythonVersion);
    }

    /** A bar per row, warm ones lighter: how many times better Java does, on a log scale, the line at 1 where the two tie. */
    static void chart(List<SideBySide.Row> rows, Path file) throws IOException {
        DefaultCategoryDataset dataset = new DefaultCategoryDataset();
        for (SideBySide.Row row : rows) {
            dataset.addValue(row.ratio(), "Java vs CPython", row.workload());
        }
        JFreeChart chart = ChartFactory.createBarChart("multiprocessing4j beside CPython: times better (1 = a tie)",
                null, null, dataset, PlotOrientation.HORIZONTAL, false, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        LogAxis ratio = new LogAxis("Java vs CPython, times better (log scale); darker: cold, lighter: warm");
        ratio.setSmallestValue(0.01);
        ratio.setNumberFormatOverride(new DecimalFormat("0.##'x'"));
        ratio.setTickUnit(new NumberTickUnit(1)); // a label per power of ten
        plot.setRangeAxis(ratio);
        plot.addRangeMarker(new ValueMarker(1.0, Color.DARK_GRAY, new BasicStroke(2f)));
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.setRenderer(new BarRenderer() {
            @Override
            public Paint getItemPaint(int series, int column) {
                boolean warm = rows.get(column).workload().contains("warm");
                boolean ahead = rows.get(column).ratio() >= 1;
                return ahead ? (warm ? WARM_AHEAD : COLD_AHEAD) : (warm ? WARM_BEHIND : COLD_BEHIND);
            }
        });
        ((BarRenderer) plot.getRenderer()).setBarPainter(new StandardBarPainter());
        ((BarRenderer) plot.getRenderer()).setShadowVisible(false);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, CHART_WIDTH, CHART_MARGIN + ROW_HEIGHT * rows.size());
    }

    /** Puts {@code report} between the README's markers. */
    static void intoReadme(String report) throws IOException {
        String readme = Files.readString(README);
        int begin = readme.indexOf(BEGIN);
        int end = readme.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalStateException("README.md has no " + BEGIN + " ... " + END + " section");
        }
        Files.writeString(README, readme.substring(0, begin + BEGIN.length()) + "\n" + report + readme.substring(end));
    }
}
