namespace Vigil.Conversations;

/// <summary>One rule on one part: the conversations it fired in (grooming and benign), and precision and recall of "fired".</summary>
internal sealed record RuleEvaluation(string Id, int FiredInGrooming, int FiredInBenign, int Grooming)
{
    public int FiredIn => FiredInGrooming + FiredInBenign;
    public double Precision => PartEvaluation.Ratio(FiredInGrooming, FiredIn);
    public double Recall => PartEvaluation.Ratio(FiredInGrooming, Grooming);
}
