//! Logistic regression: the one small, transparent model family both learned decisions use
//! (story links, `crate::story::model`; edge chrome, `crate::normalize::edges`), and its fit.

/// σ(w · x).
pub fn probability<const N: usize>(w: &[f64; N], x: &[f64; N]) -> f64 {
    let z: f64 = w.iter().zip(x).map(|(a, b)| a * b).sum();
    1.0 / (1.0 + (-z).exp())
}

/// Fits a logistic regression with an L2 penalty `lambda` (not on the bias) by Newton's
/// method (iteratively reweighted least squares), each example counting `weights[i]` times.
/// Deterministic; used by the fitting script and tested here.
pub fn fit<const N: usize>(xs: &[[f64; N]], ys: &[bool], weights: &[f64], lambda: f64) -> [f64; N] {
    let mut w = [0.0; N];
    for _ in 0..50 {
        let mut grad = [0.0; N];
        let mut hess = [[0.0; N]; N];
        for ((x, &y), &weight) in xs.iter().zip(ys).zip(weights) {
            let p = probability(&w, x);
            let r = weight * (p - f64::from(u8::from(y)));
            let s = weight * (p * (1.0 - p)).max(1e-9);
            for i in 0..N {
                grad[i] += r * x[i];
                for j in 0..N {
                    hess[i][j] += s * x[i] * x[j];
                }
            }
        }
        for i in 1..N {
            grad[i] += lambda * w[i];
            hess[i][i] += lambda;
        }
        for (i, row) in hess.iter_mut().enumerate() {
            row[i] += 1e-9;
        }
        let step = solve(hess, grad);
        let mut largest: f64 = 0.0;
        for i in 0..N {
            w[i] -= step[i];
            largest = largest.max(step[i].abs());
        }
        if largest < 1e-8 {
            break;
        }
    }
    w
}

/// Solves `a x = b` by Gaussian elimination with partial pivoting.
fn solve<const N: usize>(mut a: [[f64; N]; N], mut b: [f64; N]) -> [f64; N] {
    for col in 0..N {
        let pivot = (col..N)
            .max_by(|&x, &y| a[x][col].abs().total_cmp(&a[y][col].abs()))
            .unwrap_or(col);
        a.swap(col, pivot);
        b.swap(col, pivot);
        let d = a[col][col];
        if d.abs() < 1e-300 {
            continue;
        }
        let pivot_row = a[col];
        for row in col + 1..N {
            let f = a[row][col] / d;
            for (x, p) in a[row].iter_mut().zip(pivot_row).skip(col) {
                *x -= f * p;
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = [0.0; N];
    for row in (0..N).rev() {
        let s: f64 = (row + 1..N).map(|k| a[row][k] * x[k]).sum();
        x[row] = if a[row][row].abs() < 1e-300 {
            0.0
        } else {
            (b[row] - s) / a[row][row]
        };
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    const N: usize = 4;

    #[test]
    fn fit_separates_a_feature_that_decides() {
        // Label = feature 1 above 0.5, with a little noise in feature 2.
        let mut xs = Vec::new();
        let mut ys = Vec::new();
        for i in 0..200 {
            let v = f64::from(i) / 200.0;
            let mut x = [0.0; N];
            x[0] = 1.0;
            x[1] = v;
            x[2] = f64::from(i % 7) / 7.0;
            xs.push(x);
            ys.push(v > 0.5);
        }
        let w = fit(&xs, &ys, &vec![1.0; xs.len()], 0.1);
        assert!(w[1] > 5.0, "{w:?}");
        assert!(w[2].abs() < w[1] / 5.0, "{w:?}");
        let mut hi = [0.0; N];
        hi[0] = 1.0;
        hi[1] = 0.9;
        let mut lo = hi;
        lo[1] = 0.1;
        assert!(probability(&w, &hi) > 0.9 && probability(&w, &lo) < 0.1);
    }
}
