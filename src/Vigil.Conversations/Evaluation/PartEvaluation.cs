namespace Vigil.Conversations;

/// <summary>How the rules did on one part of a labelled corpus (the tune part, the held-out part).</summary>
internal sealed record PartEvaluation(string Part, int Grooming, int Benign, int TruePositives, int FalsePositives, IReadOnlyList<RuleEvaluation> Rules)
{
    public int FalseNegatives => Grooming - TruePositives;
    public double Precision => Ratio(TruePositives, TruePositives + FalsePositives);
    public double Recall => Ratio(TruePositives, Grooming);
    public double F1 => Precision + Recall is > 0 and var sum ? 2 * Precision * Recall / sum : 0;

    internal static double Ratio(int part, int whole) => whole == 0 ? double.NaN : (double)part / whole;
}
