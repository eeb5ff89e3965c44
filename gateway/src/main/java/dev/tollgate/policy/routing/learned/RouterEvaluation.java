package dev.tollgate.policy.routing.learned;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Scores labelled prompts with a model and measures the routing curve, overall and per source group. */
public final class RouterEvaluation {

    private RouterEvaluation() {
    }

    /** The model's score for each prompt, in order. */
    public static double[] scores(RouterModel model, List<LabelledPrompt> rows) {
        return rows.parallelStream().mapToDouble(r -> model.score(r.prompt())).toArray();
    }

    public static RoutingCurve curve(RouterModel model, List<LabelledPrompt> rows) {
        return curve(rows, scores(model, rows));
    }

    public static RoutingCurve curve(List<LabelledPrompt> rows, double[] scores) {
        List<RoutingCurve.Point> points = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            LabelledPrompt r = rows.get(i);
            points.add(new RoutingCurve.Point(scores[i], r.weakCorrect(), r.strongCorrect()));
        }
        return RoutingCurve.of(points);
    }

    /** "all", then one curve per source group ({@code mmlu}, {@code gsm8k}) when there is more than one group. */
    public static Map<String, RoutingCurve> byGroup(List<LabelledPrompt> rows, double[] scores) {
        Map<String, List<RoutingCurve.Point>> groups = new TreeMap<>();
        for (int i = 0; i < rows.size(); i++) {
            LabelledPrompt r = rows.get(i);
            String group = r.group().isEmpty() ? "(no source)" : r.group();
            groups.computeIfAbsent(group, g -> new ArrayList<>()).add(new RoutingCurve.Point(scores[i], r.weakCorrect(), r.strongCorrect()));
        }
        Map<String, RoutingCurve> out = new LinkedHashMap<>();
        out.put("all", curve(rows, scores));
        if (groups.size() > 1) {
            groups.forEach((g, points) -> out.put(g, RoutingCurve.of(points)));
        }
        return out;
    }
}
