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

/// <summary>One rule on one part: the conversations it fired in (grooming and benign), and precision and recall of "fired".</summary>
internal sealed record RuleEvaluation(string Id, int FiredInGrooming, int FiredInBenign, int Grooming)
{
    public int FiredIn => FiredInGrooming + FiredInBenign;
    public double Precision => PartEvaluation.Ratio(FiredInGrooming, FiredIn);
    public double Recall => PartEvaluation.Ratio(FiredInGrooming, Grooming);
}

/// <summary>A scored conversation of the corpus with its label.</summary>
internal sealed record LabelledResult(string Conversation, bool IsGrooming, ConversationRisk Risk);
