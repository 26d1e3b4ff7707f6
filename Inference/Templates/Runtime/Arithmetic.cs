using Platform.Inference.Templates.Syntax;

namespace Platform.Inference.Templates.Runtime;

/// <summary>Python number semantics for integers (long), floats (double) and booleans (as 0 and 1).</summary>
internal static class Arithmetic
{
    public static object Apply(BinaryOperator op, object left, object right)
    {
        var integers = left is not double && right is not double;
        if (integers)
        {
            var a = AsLong(left);
            var b = AsLong(right);
            switch (op)
            {
                case BinaryOperator.Add: return a + b;
                case BinaryOperator.Subtract: return a - b;
                case BinaryOperator.Multiply: return a * b;
                case BinaryOperator.FloorDivide: return FloorDivide(a, b);
                case BinaryOperator.Modulo: return b == 0 ? throw ZeroDivision() : ((a % b) + b) % b;
                case BinaryOperator.Power when b >= 0: return Power(a, b);
            }
        }

        var x = Equality.ToDouble(left);
        var y = Equality.ToDouble(right);
        switch (op)
        {
            case BinaryOperator.Add: return x + y;
            case BinaryOperator.Subtract: return x - y;
            case BinaryOperator.Multiply: return x * y;
            case BinaryOperator.Divide: return y == 0 ? throw ZeroDivision() : x / y;
            case BinaryOperator.FloorDivide: return y == 0 ? throw ZeroDivision() : Math.Floor(x / y);
            case BinaryOperator.Modulo:
                if (y == 0)
                {
                    throw ZeroDivision();
                }

                var remainder = x % y;
                return remainder != 0 && (remainder < 0) != (y < 0) ? remainder + y : remainder;
            case BinaryOperator.Power:
                if (x == 0 && y < 0)
                {
                    throw new EvaluationException("0.0 cannot be raised to a negative power");
                }

                var power = Math.Pow(x, y);
                return double.IsFinite(power) ? power : throw new EvaluationException("Exponentiation result is not a finite real number");
            case BinaryOperator.Less: return x < y;
            case BinaryOperator.LessEqual: return x <= y;
            case BinaryOperator.Greater: return x > y;
            case BinaryOperator.GreaterEqual: return x >= y;
            case BinaryOperator.In or BinaryOperator.NotIn:
                throw new EvaluationException($"Cannot test whether a number is in {Values.Describe(right)}");
            default:
                throw new EvaluationException($"Cannot apply '{Operators.Symbol(op)}' to numbers");
        }
    }

    private static long AsLong(object value) => value is bool b ? (b ? 1 : 0) : (long)value;

    private static long FloorDivide(long a, long b)
    {
        if (b == 0)
        {
            throw ZeroDivision();
        }

        var quotient = a / b;
        return (a % b != 0) && ((a < 0) != (b < 0)) ? quotient - 1 : quotient;
    }

    private static object Power(long a, long b)
    {
        switch (a)
        {
            case 0 or 1:
                return b == 0 ? 1L : a;
            case -1:
                return b % 2 == 0 ? 1L : -1L;
        }

        // |a| >= 2 overflows within 64 steps; past that Python would use big integers, we fall back to a float.
        long result = 1;
        try
        {
            for (var i = 0L; i < b; i++)
            {
                result = checked(result * a);
            }

            return result;
        }
        catch (OverflowException)
        {
            return Math.Pow(a, b);
        }
    }

    private static EvaluationException ZeroDivision() => new("division by zero");
}
